// Keyward's domain: one folder per resource. Every function takes the database client and a company id
// (or an actor of one company): nothing here reads another company's rows.
export * from "./alerts/alerts";
export * from "./alerts/schemas";
export * from "./audit/append";
export * from "./audit/csv";
export * from "./audit/query";
export * from "./bounded-input";
export * from "./companies/settings";
export * from "./companies/setup";
export * from "./guard/guard";
export * from "./keys/grant";
export * from "./keys/keys";
export * from "./keys/schemas";
export * from "./members/members";
export * from "./secret-box";
export * from "./usage/query";
export * from "./usage/write";
export * from "./users/password-login";
export * from "./users/users";

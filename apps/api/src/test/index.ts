// What other packages' tests need of the API: the app in-process (harness) or as a real child process.

export * from "./alert-receivers";
export * from "./api-process";
export * from "./credentials";
export * from "./harness";

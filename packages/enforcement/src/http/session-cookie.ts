/** The cookie of a dashboard or key-login session: the API reads it, the guard never forwards it upstream. */
export const SESSION_COOKIE = "kw_session";

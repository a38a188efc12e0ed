// The example's whole configuration: where Keyward is and the service's own key (PORT is `next start`'s).
// Read when first needed, not at import: `next build` imports the routes without them.
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required (see README.md)`);
  return value;
}

export function env() {
  return {
    KEYWARD_URL: required("KEYWARD_URL"),
    /** A key with `keys:verify`: this service's own credential towards Keyward. */
    KEYWARD_ROOT_KEY: required("KEYWARD_ROOT_KEY"),
  };
}

// The example's whole configuration, read once: where Keyward is, the service's own key, the port.
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required (see README.md)`);
  return value;
}

export const env = {
  KEYWARD_URL: required("KEYWARD_URL"),
  /** A key with `keys:verify`: this service's own credential towards Keyward. */
  KEYWARD_ROOT_KEY: required("KEYWARD_ROOT_KEY"),
  PORT: Number(process.env.PORT ?? 8080),
};

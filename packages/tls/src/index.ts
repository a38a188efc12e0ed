export { renewalDue } from "./acme-source";
export { type CertificatePair, type CheckedCertificate, checkCertificate } from "./certificate";
export { createKeywardServer, HSTS_HEADER } from "./server";
export {
  isLoopback,
  LETS_ENCRYPT_DIRECTORY,
  plainHttpExposure,
  type TlsEnv,
  type TlsSettings,
  TlsSettingsError,
  tlsEnvShape,
  tlsSettings,
} from "./settings";
export type { CertificateSource, TlsLog } from "./source";
export { type AcmeStore, databaseAcmeStore, type Sealer } from "./store";
export { startTls, type Tls } from "./tls";

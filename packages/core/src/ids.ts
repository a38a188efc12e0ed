// Every row's id is a UUID (UUIDv7, made by the database).
import { z } from "zod";

// z.guid, not z.uuid: any 8-4-4-4-12 hex string is what a PostgreSQL uuid column accepts, and an id
// from another system (an external token's subject) need not carry RFC 9562 version and variant bits.
const uuidText = z.guid();

/** Whether `value` can be a row id, so a lookup may try it as one (else it is, say, a name). */
export function isUuid(value: string): boolean {
  return uuidText.safeParse(value).success;
}

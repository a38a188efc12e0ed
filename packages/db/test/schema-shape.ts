// One normalized description of a database schema, computed two ways: from prisma/schema.prisma
// (Prisma's DMMF, with the names and types `prisma migrate` would give) and from a live database
// (pg_catalog, which PGlite and PostgreSQL both have). Equal descriptions = no drift.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
// CommonJS without named exports Node can detect: take the default export.
import internals from "@prisma/internals";
import { withClient } from "./helpers";

export const SCHEMA_PATH = fileURLToPath(new URL("../prisma/schema.prisma", import.meta.url));

export interface TableShape {
  /** column → `type [NOT NULL] [DEFAULT expr]`, types as PostgreSQL's format_type() spells them. */
  columns: Record<string, string>;
  /** `name (col, ...)` */
  primaryKey: string | null;
  /** `[UNIQUE ]name (col, col DESC, ...)[ USING method][ WHERE ...]`, sorted; the primary key's index excluded. */
  indexes: string[];
  /** `name (col, ...) REFERENCES table (col, ...) ON DELETE x ON UPDATE y`, sorted. */
  foreignKeys: string[];
}

export interface SchemaShape {
  /** enum type → values in order. */
  enums: Record<string, string[]>;
  /** table → shape; Prisma's own `_prisma_migrations` is left out. */
  tables: Record<string, TableShape>;
}

const MIGRATIONS_TABLE = "_prisma_migrations";
const MAX_IDENTIFIER = 63;

type Dmmf = Awaited<ReturnType<typeof internals.getDMMF>>;
type DmmfModel = Dmmf["datamodel"]["models"][number];
type DmmfField = DmmfModel["fields"][number];

// ---------------------------------------------------------------------------------------------
// From the Prisma schema

/** Prisma's default constraint names (psl ConstraintNames): `table_col1_col2_suffix`, cut to 63 chars. */
function constraintName(table: string, columns: string[], suffix: "idx" | "key" | "fkey"): string {
  const base = [table, ...columns].join("_");
  return `${base.slice(0, MAX_IDENTIFIER - suffix.length - 1)}_${suffix}`;
}

function primaryKeyName(table: string): string {
  return `${table.slice(0, MAX_IDENTIFIER - 5)}_pkey`;
}

/** The column type `prisma migrate` creates, as format_type() prints it. */
function columnType(field: DmmfField, enumNames: Map<string, string>): string {
  const [native, args = []] = field.nativeType ?? [null, []];
  const arg = args.length ? `(${args.join(",")})` : "";
  let type: string | undefined;
  if (field.kind === "enum") {
    type = enumNames.get(field.type);
  } else if (native === null) {
    type = {
      String: "text",
      Int: "integer",
      BigInt: "bigint",
      Float: "double precision",
      Decimal: "numeric(65,30)",
      Boolean: "boolean",
      DateTime: "timestamp(3) without time zone",
      Json: "jsonb",
      Bytes: "bytea",
    }[field.type];
  } else {
    type = {
      Text: "text",
      VarChar: `character varying${arg}`,
      Char: `character${arg}`,
      Uuid: "uuid",
      Inet: "inet",
      Citext: "citext",
      Xml: "xml",
      SmallInt: "smallint",
      Integer: "integer",
      BigInt: "bigint",
      Oid: "oid",
      Real: "real",
      DoublePrecision: "double precision",
      Decimal: `numeric${arg}`,
      Money: "money",
      Boolean: "boolean",
      Timestamptz: `timestamp${arg} with time zone`,
      Timestamp: `timestamp${arg} without time zone`,
      Date: "date",
      Time: `time${arg} without time zone`,
      Timetz: `time${arg} with time zone`,
      Json: "json",
      JsonB: "jsonb",
      ByteA: "bytea",
    }[native];
  }
  if (!type) {
    throw new Error(`schema-shape: no PostgreSQL type known for ${field.name} ${field.type} @db.${native}: extend it`);
  }
  return field.isList ? `${type}[]` : type;
}

function sqlLiteral(value: unknown, field: DmmfField, enumValues: Map<string, Map<string, string>>): string {
  if (Array.isArray(value)) return `ARRAY[${value.map((v) => sqlLiteral(v, field, enumValues)).join(", ")}]`;
  if (typeof value === "boolean") return String(value);
  // PostgreSQL prints a negative number default as a quoted literal ('-1'::integer).
  if (typeof value === "number") return value < 0 ? `'${value}'` : String(value);
  if (typeof value === "string") {
    if (field.kind === "enum") return `'${enumValues.get(field.type)?.get(value) ?? value}'`;
    if (["Int", "BigInt", "Float", "Decimal"].includes(field.type)) return value;
    return `'${value.replaceAll("'", "''")}'`;
  }
  throw new Error(`schema-shape: unsupported default ${JSON.stringify(value)} on ${field.name}`);
}

/** The DEFAULT clause `prisma migrate` writes, normalized like the database side; null for client-side defaults. */
function columnDefault(
  field: DmmfField,
  table: string,
  column: string,
  enumValues: Map<string, Map<string, string>>,
): string | null {
  const value = field.default;
  if (value === undefined) return null;
  if (value !== null && typeof value === "object" && !Array.isArray(value) && "name" in value) {
    const fn = value as { name: string; args: unknown[] };
    switch (fn.name) {
      case "now":
        return "CURRENT_TIMESTAMP";
      case "autoincrement":
        return `nextval('${table}_${column}_seq')`;
      case "dbgenerated":
        return fn.args[0] === undefined ? null : normalizeDefault(String(fn.args[0]));
      case "uuid":
      case "cuid":
      case "nanoid":
      case "ulid":
        return null; // generated by Prisma Client, not the database
      default:
        throw new Error(`schema-shape: unsupported default function ${fn.name}() on ${field.name}`);
    }
  }
  return sqlLiteral(value, field, enumValues);
}

function columnSpec(type: string, notNull: boolean, dflt: string | null): string {
  return `${type}${notNull ? " NOT NULL" : ""}${dflt === null ? "" : ` DEFAULT ${dflt}`}`;
}

function indexSpec(name: string, columns: string[], unique: boolean, method = "btree", predicate = ""): string {
  return `${unique ? "UNIQUE " : ""}${name} (${columns.join(", ")})${method === "btree" ? "" : ` USING ${method}`}${
    predicate ? ` WHERE ${predicate}` : ""
  }`;
}

const REFERENTIAL_ACTIONS: Record<string, string> = {
  Cascade: "CASCADE",
  Restrict: "RESTRICT",
  NoAction: "NO ACTION",
  SetNull: "SET NULL",
  SetDefault: "SET DEFAULT",
};

function foreignKeySpec(
  name: string,
  columns: string[],
  refTable: string,
  refColumns: string[],
  onDelete: string,
  onUpdate: string,
): string {
  return `${name} (${columns.join(", ")}) REFERENCES ${refTable} (${refColumns.join(", ")}) ON DELETE ${onDelete} ON UPDATE ${onUpdate}`;
}

export async function loadDmmf(schemaPath = SCHEMA_PATH): Promise<Dmmf> {
  return internals.getDMMF({ datamodel: readFileSync(schemaPath, "utf8") });
}

/** What prisma/schema.prisma says the database must look like. */
export async function describeSchemaFromDmmf(schemaPath = SCHEMA_PATH): Promise<SchemaShape> {
  const { datamodel } = await loadDmmf(schemaPath);
  const enumNames = new Map(datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
  const enumValues = new Map(
    datamodel.enums.map((e) => [e.name, new Map(e.values.map((v) => [v.name, v.dbName ?? v.name]))]),
  );
  const enums: SchemaShape["enums"] = {};
  for (const e of datamodel.enums) enums[e.dbName ?? e.name] = e.values.map((v) => v.dbName ?? v.name);

  const models = new Map(datamodel.models.map((m) => [m.name, m]));
  const tableOf = (m: DmmfModel) => m.dbName ?? m.name;
  const columnOf = (m: DmmfModel, fieldName: string) => {
    const field = m.fields.find((f) => f.name === fieldName);
    if (!field) throw new Error(`schema-shape: ${m.name}.${fieldName} not found`);
    return field.dbName ?? field.name;
  };

  const tables: SchemaShape["tables"] = {};
  for (const model of datamodel.models) {
    const table = tableOf(model);
    const shape: TableShape = { columns: {}, primaryKey: null, indexes: [], foreignKeys: [] };
    for (const field of model.fields) {
      if (field.kind === "object") continue;
      const column = field.dbName ?? field.name;
      // Scalar lists are created without NOT NULL (`"scopes" TEXT[]`), whatever the schema says.
      const notNull = field.isRequired && !field.isList;
      shape.columns[column] = columnSpec(
        columnType(field, enumNames),
        notNull,
        columnDefault(field, table, column, enumValues),
      );
    }
    for (const index of datamodel.indexes.filter((i) => i.model === model.name)) {
      const dbNames = index.fields.map((f) => columnOf(model, f.name));
      const columns = index.fields.map(
        (f, i) => `${dbNames[i]}${(f as { sortOrder?: string }).sortOrder === "desc" ? " DESC" : ""}`,
      );
      const mapped = (index as { dbName?: string }).dbName;
      const method = ((index as { algorithm?: string }).algorithm ?? "BTree").toLowerCase();
      if (index.type === "id") {
        shape.primaryKey = `${mapped ?? primaryKeyName(table)} (${columns.join(", ")})`;
      } else if (index.type === "unique") {
        shape.indexes.push(indexSpec(mapped ?? constraintName(table, dbNames, "key"), columns, true, method));
      } else if (index.type === "normal") {
        shape.indexes.push(indexSpec(mapped ?? constraintName(table, dbNames, "idx"), columns, false, method));
      } else {
        throw new Error(`schema-shape: unsupported index type ${index.type} on ${model.name}`);
      }
    }
    for (const field of model.fields) {
      const from = field.relationFromFields ?? [];
      if (field.kind !== "object" || from.length === 0) continue;
      const target = models.get(field.type);
      if (!target) throw new Error(`schema-shape: relation ${model.name}.${field.name} to unknown ${field.type}`);
      const columns = from.map((f) => columnOf(model, f));
      const optional = from.some((f) => !model.fields.find((x) => x.name === f)?.isRequired);
      // Prisma's defaults: Restrict (required) or SetNull (optional) on delete, Cascade on update.
      // Note: DMMF does not carry `@relation(map: ...)`, so constraint names are Prisma's defaults.
      const onDelete = REFERENTIAL_ACTIONS[field.relationOnDelete ?? (optional ? "SetNull" : "Restrict")];
      const onUpdate = REFERENTIAL_ACTIONS[(field as { relationOnUpdate?: string }).relationOnUpdate ?? "Cascade"];
      shape.foreignKeys.push(
        foreignKeySpec(
          constraintName(table, columns, "fkey"),
          columns,
          tableOf(target),
          (field.relationToFields ?? []).map((f) => columnOf(target, f)),
          onDelete ?? "?",
          onUpdate ?? "?",
        ),
      );
    }
    shape.indexes.sort();
    shape.foreignKeys.sort();
    tables[table] = shape;
  }
  return { enums: sortKeys(enums), tables: sortKeys(tables) };
}

// ---------------------------------------------------------------------------------------------
// From a live database

/** pg_get_expr() output without type casts: `'kw'::text` → `'kw'`, `now()` → `CURRENT_TIMESTAMP`. */
function normalizeDefault(expr: string): string {
  const stripped = expr.replace(/::("[^"]+"|[a-z_]\w*(?: [a-z_]\w*)*)(\(\d+(?:,\s*\d+)?\))?(\[\])?/gi, "").trim();
  return stripped === "now()" ? "CURRENT_TIMESTAMP" : stripped;
}

const ACTION_CODES: Record<string, string> = {
  a: "NO ACTION",
  r: "RESTRICT",
  c: "CASCADE",
  n: "SET NULL",
  d: "SET DEFAULT",
};

const unquote = (identifier: string) => identifier.replace(/^"(.*)"$/, "$1").replaceAll('""', '"');

/** What the database at `url` actually looks like (its current schema, normally `public`). */
export async function describeSchemaFromDatabase(url: string): Promise<SchemaShape> {
  return withClient(url, async (client) => {
    const enumRows = await client.query<{ name: string; value: string }>(`
      SELECT t.typname AS name, e.enumlabel AS value
      FROM pg_type t
      JOIN pg_enum e ON e.enumtypid = t.oid
      JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = current_schema()
      ORDER BY t.typname, e.enumsortorder`);
    const columnRows = await client.query<{
      table: string;
      column: string;
      type: string;
      not_null: boolean;
      default: string | null;
    }>(`
      SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
             a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
      ORDER BY c.relname, a.attnum`);
    const indexRows = await client.query<{
      table: string;
      name: string;
      primary: boolean;
      unique: boolean;
      method: string;
      predicate: string | null;
      columns: string[];
    }>(`
      SELECT t.relname AS table, i.relname AS name, x.indisprimary AS primary, x.indisunique AS unique,
             am.amname AS method, pg_get_expr(x.indpred, x.indrelid) AS predicate,
             ARRAY(
               SELECT pg_get_indexdef(x.indexrelid, k, true)
                 || CASE WHEN pg_index_column_has_property(x.indexrelid, k, 'desc')
                         THEN CASE WHEN pg_index_column_has_property(x.indexrelid, k, 'nulls_last') THEN ' DESC NULLS LAST' ELSE ' DESC' END
                         ELSE CASE WHEN pg_index_column_has_property(x.indexrelid, k, 'nulls_first') THEN ' NULLS FIRST' ELSE '' END
                    END
               FROM generate_series(1, x.indnkeyatts) AS k ORDER BY k
             )::text[] AS columns
      FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      JOIN pg_am am ON am.oid = i.relam
      WHERE n.nspname = current_schema()`);
    const constraintRows = await client.query<{
      table: string;
      name: string;
      type: "p" | "f";
      columns: string[];
      ref_table: string | null;
      ref_columns: string[];
      on_delete: string;
      on_update: string;
    }>(`
      SELECT t.relname AS table, con.conname AS name, con.contype AS type,
             ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
             ft.relname AS ref_table,
             ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS ref_columns,
             con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update
      FROM pg_constraint con
      JOIN pg_class t ON t.oid = con.conrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      LEFT JOIN pg_class ft ON ft.oid = con.confrelid
      WHERE n.nspname = current_schema() AND con.contype IN ('p', 'f')`);

    const enums: SchemaShape["enums"] = {};
    for (const row of enumRows.rows) enums[row.name] = [...(enums[row.name] ?? []), row.value];

    const tables: SchemaShape["tables"] = {};
    const tableShape = (name: string): TableShape => {
      tables[name] ??= { columns: {}, primaryKey: null, indexes: [], foreignKeys: [] };
      return tables[name];
    };
    for (const row of columnRows.rows) {
      if (row.table === MIGRATIONS_TABLE) continue;
      tableShape(row.table).columns[row.column] = columnSpec(
        row.type.replaceAll('"', ""),
        row.not_null,
        row.default === null ? null : normalizeDefault(row.default),
      );
    }
    for (const row of indexRows.rows) {
      if (row.table === MIGRATIONS_TABLE || row.primary) continue;
      const columns = row.columns.map((c) => c.replace(/^("(?:[^"]|"")*"|\S+)/, (id) => unquote(id)));
      tableShape(row.table).indexes.push(
        indexSpec(row.name, columns, row.unique, row.method, row.predicate ?? undefined),
      );
    }
    for (const row of constraintRows.rows) {
      if (row.table === MIGRATIONS_TABLE) continue;
      const shape = tableShape(row.table);
      if (row.type === "p") {
        shape.primaryKey = `${row.name} (${row.columns.join(", ")})`;
      } else {
        shape.foreignKeys.push(
          foreignKeySpec(
            row.name,
            row.columns,
            row.ref_table ?? "?",
            row.ref_columns,
            ACTION_CODES[row.on_delete] ?? row.on_delete,
            ACTION_CODES[row.on_update] ?? row.on_update,
          ),
        );
      }
    }
    for (const shape of Object.values(tables)) {
      shape.indexes.sort();
      shape.foreignKeys.sort();
    }
    return { enums: sortKeys(enums), tables: sortKeys(tables) };
  });
}

// ---------------------------------------------------------------------------------------------
// The comparison

/** Every difference between what the schema expects and what the database has, one readable line each. */
export function diffSchemas(expected: SchemaShape, actual: SchemaShape): string[] {
  const out: string[] = [];
  for (const name of union(expected.enums, actual.enums)) {
    const want = expected.enums[name];
    const have = actual.enums[name];
    if (!have) out.push(`enum ${name}: missing`);
    else if (!want) out.push(`enum ${name}: not in the schema`);
    else if (want.join(",") !== have.join(",")) {
      out.push(`enum ${name}: expected values [${want.join(", ")}], found [${have.join(", ")}]`);
    }
  }
  for (const table of union(expected.tables, actual.tables)) {
    const want = expected.tables[table];
    const have = actual.tables[table];
    if (!have) {
      out.push(`table ${table}: missing`);
      continue;
    }
    if (!want) {
      out.push(`table ${table}: not in the schema`);
      continue;
    }
    for (const column of union(want.columns, have.columns)) {
      const w = want.columns[column];
      const h = have.columns[column];
      if (h === undefined) out.push(`${table}.${column}: missing (expected "${w}")`);
      else if (w === undefined) out.push(`${table}.${column}: not in the schema (found "${h}")`);
      else if (w !== h) out.push(`${table}.${column}: expected "${w}", found "${h}"`);
    }
    if (want.primaryKey !== have.primaryKey) {
      out.push(`${table}: expected primary key ${want.primaryKey ?? "none"}, found ${have.primaryKey ?? "none"}`);
    }
    for (const [kind, w, h] of [
      ["index", want.indexes, have.indexes],
      ["foreign key", want.foreignKeys, have.foreignKeys],
    ] as const) {
      for (const item of w) if (!h.includes(item)) out.push(`${table}: missing ${kind} ${item}`);
      for (const item of h) if (!w.includes(item)) out.push(`${table}: unexpected ${kind} ${item}`);
    }
  }
  return out;
}

function union(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * JSON:API documents as Omnigage speaks them (docs/omnigage-api.md §2): kebab-case attribute and
 * relationship names, `meta` as an ordinary attribute, `included` sometimes present and
 * sometimes not. Reading is tolerant: missing attributes or relationships are simply absent,
 * explicit nulls stay null, unknown members are ignored. Only a document without a usable
 * `data` is refused (the caller turns that into an `unexpected` ApiError).
 */

export interface Linkage {
  type: string;
  id: string;
}

export interface Relationship {
  /** undefined: only links were sent; null: an empty to-one; array: a to-many. */
  data?: Linkage | Linkage[] | null;
  related?: string;
}

export interface ResourceObject {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  relationships: Record<string, Relationship>;
}

export interface Document<T extends ResourceObject | ResourceObject[]> {
  data: T;
  included: ResourceObject[];
  meta: Record<string, unknown> | undefined;
}

export class MalformedDocument extends Error {
  constructor(reason: string) {
    super(`malformed JSON:API document: ${reason}`);
    this.name = 'MalformedDocument';
  }
}

// ---- reading ------------------------------------------------------------------------------

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedDocument('not JSON');
  }
}

export function readSingle(body: unknown, type: string): Document<ResourceObject> {
  const doc = asRecord(body);
  if (!doc || !asRecord(doc.data)) throw new MalformedDocument('data is not a resource object');
  return {
    data: readResource(doc.data, type),
    included: readIncluded(doc.included),
    meta: asRecord(doc.meta),
  };
}

export function readMany(body: unknown, type: string): Document<ResourceObject[]> {
  const doc = asRecord(body);
  if (!doc || !Array.isArray(doc.data)) throw new MalformedDocument('data is not an array');
  return {
    data: doc.data.map((item) => readResource(item, type)),
    included: readIncluded(doc.included),
    meta: asRecord(doc.meta),
  };
}

/**
 * A lean readMany for big create answers: each resource's id and one string attribute, with
 * the same refusals as readMany/readResource (data not an array, an item without an id or of
 * another type) and the same tolerance (a missing or non-string attribute reads as null).
 */
export function readCreated(
  body: unknown,
  type: string,
  attribute: string,
): Array<[id: string, value: string | null]> {
  const doc = asRecord(body);
  if (!doc || !Array.isArray(doc.data)) throw new MalformedDocument('data is not an array');
  const out: Array<[string, string | null]> = [];
  for (const item of doc.data as unknown[]) {
    const raw = asRecord(item);
    if (!raw) throw new MalformedDocument('resource is not an object');
    const id = typeof raw.id === 'string' || typeof raw.id === 'number' ? String(raw.id) : '';
    if (!id) throw new MalformedDocument('resource has no id');
    if (typeof raw.type === 'string' && raw.type && raw.type !== type) {
      throw new MalformedDocument(`expected type ${type}, got ${raw.type}`);
    }
    const value = asRecord(raw.attributes)?.[attribute];
    out.push([id, typeof value === 'string' ? value : null]);
  }
  return out;
}

export function readResource(value: unknown, expectedType?: string): ResourceObject {
  const raw = asRecord(value);
  if (!raw) throw new MalformedDocument('resource is not an object');
  const id = typeof raw.id === 'string' || typeof raw.id === 'number' ? String(raw.id) : '';
  if (!id) throw new MalformedDocument('resource has no id');
  const type = typeof raw.type === 'string' ? raw.type : '';
  if (expectedType && type && type !== expectedType) {
    throw new MalformedDocument(`expected type ${expectedType}, got ${type}`);
  }
  const relationships: Record<string, Relationship> = {};
  for (const [name, rel] of Object.entries(asRecord(raw.relationships) ?? {})) {
    const r = asRecord(rel);
    if (!r) continue;
    const out: Relationship = {};
    if ('data' in r) out.data = readLinkageValue(r.data);
    const related = asRecord(r.links)?.related;
    if (typeof related === 'string') out.related = related;
    else if (typeof asRecord(related)?.href === 'string')
      out.related = asRecord(related)?.href as string;
    relationships[name] = out;
  }
  return {
    type: type || expectedType || '',
    id,
    attributes: asRecord(raw.attributes) ?? {},
    relationships,
  };
}

function readIncluded(value: unknown): ResourceObject[] {
  if (!Array.isArray(value)) return [];
  const out: ResourceObject[] = [];
  for (const item of value) {
    try {
      out.push(readResource(item));
    } catch {
      // A side-loaded object we cannot read is not worth failing the main answer for.
    }
  }
  return out;
}

function readLinkageValue(value: unknown): Linkage | Linkage[] | null {
  if (Array.isArray(value)) return value.map(readLinkage).filter((l): l is Linkage => l !== null);
  return readLinkage(value);
}

function readLinkage(value: unknown): Linkage | null {
  const r = asRecord(value);
  if (!r) return null;
  const id = typeof r.id === 'string' || typeof r.id === 'number' ? String(r.id) : '';
  return id ? { type: typeof r.type === 'string' ? r.type : '', id } : null;
}

// Typed accessors: a value of the wrong type reads as null rather than failing the response.
export function str(resource: ResourceObject, name: string): string | null {
  const v = resource.attributes[name];
  return typeof v === 'string' ? v : null;
}

export function num(resource: ResourceObject, name: string): number | null {
  const v = resource.attributes[name];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

export function bool(resource: ResourceObject, name: string): boolean | null {
  const v = resource.attributes[name];
  return typeof v === 'boolean' ? v : null;
}

/** A flat string map (merge values); non-string values are stringified, nested ones dropped. */
export function stringMap(resource: ResourceObject, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(asRecord(resource.attributes[name]) ?? {})) {
    if (typeof v === 'string') out[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
  }
  return out;
}

export function toOne(resource: ResourceObject, name: string): string | null {
  const data = resource.relationships[name]?.data;
  return data && !Array.isArray(data) ? data.id : null;
}

export function toMany(resource: ResourceObject, name: string): string[] {
  const data = resource.relationships[name]?.data;
  return Array.isArray(data) ? data.map((l) => l.id) : [];
}

// ---- writing ------------------------------------------------------------------------------

export type RelationshipInput = Linkage | Linkage[] | null;

/**
 * `{ data: { type, attributes, relationships } }` with undefined attributes left out. Names are
 * written as given: callers use the kebab-case wire names (`on-event`, `phone-number`).
 */
export interface ResourceBody {
  id?: string;
  type: string;
  attributes: Record<string, unknown>;
  relationships?: Record<string, { data: RelationshipInput }>;
}

export function resourceBody(
  type: string,
  attributes: Record<string, unknown>,
  relationships?: Record<string, RelationshipInput>,
  id?: string,
): ResourceBody {
  // `id` first, as Omnigage's own clients write a PATCH body.
  const out: ResourceBody =
    id !== undefined ? { id, type, attributes: {} } : { type, attributes: {} };
  out.attributes = definedOnly(attributes);
  if (relationships && Object.keys(relationships).length) {
    out.relationships = Object.fromEntries(
      Object.entries(relationships).map(([k, v]) => [k, { data: v }]),
    );
  }
  return out;
}

function definedOnly(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The sandbox's memory, open to tests: every stored resource in its wire form (exactly what
 * the API returns), every request received, every schedule PATCH and every stored file.
 */

export interface Linkage {
  type: string;
  id: string;
}

export interface WireRelationship {
  data?: Linkage | Linkage[] | null;
  links?: { related: string };
}

export interface WireResource {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  relationships: Record<string, WireRelationship>;
}

export interface RequestRecord {
  method: string;
  /** Relative to `/api/v1/` (`envelopes`, `engagements/<id>`), or `fake-s3/<bucket>/`. */
  path: string;
  query: Record<string, string>;
  /** The request target exactly as received (percent-encoding intact). */
  target: string;
  /** Lower-case header names; the Authorization value is replaced by its scheme. */
  headers: Record<string, string>;
  /** Parsed JSON, the multipart field names in order (`{ multipart: [...] }`), or raw text. */
  body: unknown;
  /** Filled in when the answer is sent (undefined if the connection was reset or hung). */
  status?: number;
  fault?: string;
}

export interface SchedulePatch {
  engagementId: string;
  /** The answer: 202, or 400 when validation refused it. */
  status: number;
  at: string;
}

export interface StoredFile {
  key: string;
  fileName: string;
  contentType: string;
  size: number;
  /** Multipart field names in the order they arrived (`file` must be last). */
  fieldOrder: string[];
  /** Headers sent with the upload (lower-case). */
  headers: Record<string, string>;
  uploadId: string | undefined;
}

export class SandboxState {
  private readonly byType = new Map<string, Map<string, WireResource>>();
  readonly requests: RequestRecord[] = [];
  readonly schedulePatches: SchedulePatch[] = [];
  readonly files = new Map<string, StoredFile>();

  put(resource: WireResource): WireResource {
    let table = this.byType.get(resource.type);
    if (!table) this.byType.set(resource.type, (table = new Map()));
    table.set(resource.id, resource);
    return resource;
  }

  get(type: string, id: string): WireResource | undefined {
    return this.byType.get(type)?.get(id);
  }

  /** In creation order. */
  list(type: string): WireResource[] {
    return [...(this.byType.get(type)?.values() ?? [])];
  }

  get engagements(): WireResource[] {
    return this.list('engagements');
  }
  get activities(): WireResource[] {
    return this.list('activities');
  }
  get triggers(): WireResource[] {
    return this.list('triggers');
  }
  get envelopes(): WireResource[] {
    return this.list('envelopes');
  }
  get voiceTemplates(): WireResource[] {
    return this.list('voice-templates');
  }
  get uploads(): WireResource[] {
    return this.list('uploads');
  }
  get callerIds(): WireResource[] {
    return this.list('caller-ids');
  }
  get calls(): WireResource[] {
    return this.list('calls');
  }
  get callResults(): WireResource[] {
    return this.list('call-results');
  }

  /** Envelopes of one engagement, in creation order. */
  envelopesOf(engagementId: string): WireResource[] {
    return this.envelopes.filter((e) => toOneId(e, 'engagement') === engagementId);
  }

  schedulePatchCount(engagementId?: string): number {
    return this.schedulePatches.filter(
      (p) => engagementId === undefined || p.engagementId === engagementId,
    ).length;
  }

  /** Requests matching a method and relative path (string or pattern). */
  requestsTo(method: string, path: string | RegExp): RequestRecord[] {
    return this.requests.filter(
      (r) =>
        r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
    );
  }
}

export function toOneId(resource: WireResource, name: string): string | null {
  const data = resource.relationships[name]?.data;
  return data && !Array.isArray(data) ? data.id : null;
}

// Reading the API's OpenAPI document: which archive kinds exist and the input schema of each, so
// that a kind added on the server appears in the console without new code here.

export type JsonSchema = {
  type?: string;
  $ref?: string;
  anyOf?: JsonSchema[];
  enum?: string[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  title?: string;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  maxItems?: number;
};

export interface OpenApiDocument {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

const ARCHIVE_COLLECTION = /^\/v1\/archives\/([a-z0-9-]+)$/;
const REF_PREFIX = "#/components/schemas/";

export function resolveRef(document: OpenApiDocument, schema: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.startsWith(REF_PREFIX) ? schema.$ref.slice(REF_PREFIX.length) : schema.$ref;
  const target = document.components?.schemas?.[name];
  if (!target) throw new Error(`the OpenAPI document has no schema ${name}`);
  // A $ref with siblings (pydantic puts "default" beside it) keeps them.
  const { $ref: _ignored, ...siblings } = schema;
  return { ...resolveRef(document, target), ...siblings };
}

/** The body schema a POST on this path takes, resolved. */
export function inputSchema(document: OpenApiDocument, path: string, method = "post"): JsonSchema | null {
  const schema = document.paths[path]?.[method]?.requestBody?.content?.["application/json"]?.schema;
  return schema ? resolveRef(document, schema) : null;
}

/** Every archive kind the document describes with a create operation, in document order. */
export function archiveKindNames(document: OpenApiDocument): string[] {
  const names: string[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    const match = ARCHIVE_COLLECTION.exec(path);
    if (match && operations.post?.requestBody) names.push(match[1]);
  }
  return names;
}

export function hasOperation(document: OpenApiDocument, path: string, method: string): boolean {
  return Boolean(document.paths[path]?.[method.toLowerCase()]);
}

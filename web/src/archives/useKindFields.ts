import { useMemo } from "react";

import { useApiModel } from "../app/ApiModel";
import { inputSchema } from "../lib/openapi";
import { fieldsOf, type FieldSpec } from "../lib/schemaFields";

export interface KindModel {
  kind: string;
  fields: FieldSpec[];
  tree: boolean;
  parentField: string | null;
  references: Record<string, string>;
}

/** A kind's fields from its create schema in the OpenAPI document; null if the API has no such kind
 * (or this operator may not view it). */
export function useKindModel(kind: string): KindModel | null {
  const { document, kinds } = useApiModel();
  return useMemo(() => {
    const info = kinds.find((candidate) => candidate.kind === kind);
    const schema = inputSchema(document, `/v1/archives/${kind}`);
    if (!info || !schema) return null;
    const parentField = info.tree
      ? (Object.entries(info.references).find(([, target]) => target === kind)?.[0] ?? null)
      : null;
    return { kind, fields: fieldsOf(document, schema, info.references), tree: info.tree, parentField, references: info.references };
  }, [document, kinds, kind]);
}

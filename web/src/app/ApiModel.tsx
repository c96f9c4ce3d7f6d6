// What the API says about itself, loaded once per sign-in: the OpenAPI document (input schemas) and
// the archive kinds this operator may view with the references of each.

import { createContext, useContext, useEffect, useState, type ReactNode } from "react";

import type { OpenApiDocument } from "../lib/openapi";
import { useApp } from "./AppContext";

export interface ArchiveKindInfo {
  kind: string;
  references: Record<string, string>;
  tree: boolean;
}

export interface ApiModel {
  document: OpenApiDocument;
  kinds: ArchiveKindInfo[];
}

const Context = createContext<ApiModel | null>(null);

export function ApiModelProvider({ children, fallback }: { children: ReactNode; fallback: ReactNode }) {
  const { client, me } = useApp();
  const [model, setModel] = useState<ApiModel | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    if (!me) return;
    let current = true;
    Promise.all([
      client.get<OpenApiDocument>("/v1/openapi.json"),
      client.get<{ items: ArchiveKindInfo[] }>("/v1/archives"),
    ])
      .then(([document, kinds]) => current && setModel({ document, kinds: kinds.items }))
      .catch((error: Error) => current && setFailure(error.message));
    return () => {
      current = false;
    };
  }, [client, me]);

  if (failure) return <div role="alert">{failure}</div>;
  if (!model) return <>{fallback}</>;
  return <Context.Provider value={model}>{children}</Context.Provider>;
}

export function useApiModel(): ApiModel {
  const model = useContext(Context);
  if (!model) throw new Error("useApiModel outside ApiModelProvider");
  return model;
}

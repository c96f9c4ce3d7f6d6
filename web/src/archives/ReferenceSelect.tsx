import { Select } from "antd";
import { useEffect, useState } from "react";

import { useApp } from "../app/AppContext";
import { referencedRecords, summaryLabel, type RecordSummary } from "./referenceCache";

interface Props {
  kind: string;
  multiple?: boolean;
  value?: string | string[] | null;
  onChange?: (value: string | string[] | null) => void;
  id?: string;
  exclude?: string;
  /** Choices that are not records of the kind (the built-in admin role). */
  extraOptions?: { value: string; label: string }[];
}

/** Picks records of another kind by code or name; the form holds their ids. */
export function ReferenceSelect({ kind, multiple, value, onChange, id, exclude, extraOptions = [] }: Props) {
  const { client } = useApp();
  const [records, setRecords] = useState<RecordSummary[]>([]);
  useEffect(() => {
    let current = true;
    void referencedRecords(client, kind).then((found) => current && setRecords(found));
    return () => {
      current = false;
    };
  }, [client, kind]);
  return (
    <Select
      id={id}
      mode={multiple ? "multiple" : undefined}
      allowClear
      showSearch={{ optionFilterProp: "label" }}
      value={value ?? (multiple ? [] : undefined)}
      onChange={(chosen) => onChange?.(chosen ?? null)}
      options={[
        ...extraOptions,
        ...records
          .filter((record) => record.id !== exclude)
          .map((record) => ({ value: record.id, label: summaryLabel(record) })),
      ]}
    />
  );
}

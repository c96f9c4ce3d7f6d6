// A tree kind (regions, lines) as a tree: children loaded when a node opens (GET ?parent=<id>).

import { Tree, type TreeDataNode } from "antd";
import { useEffect, useState } from "react";

import type { Page } from "../api/client";
import { useApp } from "../app/AppContext";
import type { ArchiveRecord } from "./ArchiveTable";

const ROOT = "ROOT";

interface Node extends TreeDataNode {
  key: string;
  record: ArchiveRecord;
  children?: Node[];
}

function withChildren(nodes: Node[], parentKey: string, children: Node[]): Node[] {
  return nodes.map((node) =>
    node.key === parentKey
      ? { ...node, children, isLeaf: children.length === 0 }
      : { ...node, children: node.children ? withChildren(node.children, parentKey, children) : undefined },
  );
}

interface Props {
  kind: string;
  refreshKey: number;
  onSelect: (record: ArchiveRecord) => void;
}

export function ArchiveTree({ kind, refreshKey, onSelect }: Props) {
  const { client } = useApp();
  const [nodes, setNodes] = useState<Node[]>([]);

  async function childrenOf(parent: string): Promise<Node[]> {
    const page = await client.get<Page<ArchiveRecord>>(`/v1/archives/${kind}`, { parent, limit: 200 });
    return page.items.map((record) => ({ key: record.id, title: `${record.code} · ${record.name}`, record }));
  }

  useEffect(() => {
    let current = true;
    void childrenOf(ROOT).then((roots) => current && setNodes(roots));
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, kind, refreshKey]);

  return (
    <Tree<Node>
      showLine
      data-testid="archive-tree"
      treeData={nodes}
      loadData={async (node) => {
        const children = await childrenOf(node.key);
        setNodes((current) => withChildren(current, node.key, children));
      }}
      onSelect={(_, info) => onSelect(info.node.record)}
    />
  );
}

// Permission checks as the API makes them: "*" grants all, "module:*" every action of a module.

export type PermissionSet = ReadonlySet<string>;

export function can(granted: PermissionSet, module: string, action: string): boolean {
  return granted.has("*") || granted.has(`${module}:${action}`) || granted.has(`${module}:*`);
}

export function archiveModule(kind: string): string {
  return `archives.${kind}`;
}

/** The permission catalogue: each module and the actions a role can grant on it. */
export interface PermissionCatalogue {
  modules: Record<string, string[]>;
}

/** Toggles one permission in a role's list, keeping it sorted and free of repeats. */
export function togglePermission(current: readonly string[], permission: string, on: boolean): string[] {
  const next = new Set(current);
  if (on) next.add(permission);
  else next.delete(permission);
  return [...next].sort();
}

/** Grants or revokes every action of a module at once (the "all" box of a picker row). */
export function setModuleActions(
  current: readonly string[],
  module: string,
  actions: readonly string[],
  on: boolean,
): string[] {
  const others = current.filter((permission) => !permission.startsWith(`${module}:`));
  return on ? [...others, ...actions.map((action) => `${module}:${action}`)].sort() : others.sort();
}

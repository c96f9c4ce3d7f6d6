// RFC 9457 problem documents from the API, and where their field problems belong in a form.

export interface FieldProblem {
  field: string;
  message: string;
}

export interface ProblemDocument {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldProblem[];
}

export class ApiProblem extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly fieldProblems: FieldProblem[];

  constructor(problem: ProblemDocument) {
    super(problem.detail || problem.title);
    this.status = problem.status;
    this.title = problem.title;
    this.detail = problem.detail ?? "";
    this.fieldProblems = problem.errors ?? [];
  }
}

/** Reads any failed response as a problem, also when the body is not problem+json. */
export function problemFrom(status: number, body: unknown): ApiProblem {
  if (body && typeof body === "object" && "message" in body && !("title" in body)) {
    // API Gateway's (and chalice local's) own answers: {"message": "..."}.
    return new ApiProblem({ title: `HTTP ${status}`, status, detail: String((body as { message: unknown }).message) });
  }
  if (body && typeof body === "object" && "title" in body) {
    const document = body as Partial<ProblemDocument>;
    return new ApiProblem({
      title: String(document.title),
      status,
      detail: typeof document.detail === "string" ? document.detail : undefined,
      errors: Array.isArray(document.errors) ? document.errors : [],
    });
  }
  return new ApiProblem({ title: `HTTP ${status}`, status, detail: typeof body === "string" ? body : undefined });
}

export type FieldPath = (string | number)[];

/** "steps[0].price" -> ["steps", 0, "price"]: the form's name path for a problem's field. */
export function fieldPath(field: string): FieldPath {
  const path: FieldPath = [];
  for (const part of field.split(".")) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) {
      path.push(part);
      continue;
    }
    if (match[1]) path.push(match[1]);
    for (const index of match[2].matchAll(/\[(\d+)\]/g)) path.push(Number(index[1]));
  }
  return path;
}

export interface PlacedProblems {
  /** Problems whose field the form shows, by their name path. */
  atFields: { path: FieldPath; messages: string[] }[];
  /** Problems the form has no field for (body, a hidden field): shown above the form. */
  general: string[];
}

/** Sorts a problem's field messages into those a form can show at a field and the rest. */
export function placeProblems(problem: ApiProblem, formFields: ReadonlySet<string>): PlacedProblems {
  const byField = new Map<string, { path: FieldPath; messages: string[] }>();
  const general: string[] = [];
  for (const { field, message } of problem.fieldProblems) {
    const path = fieldPath(field);
    if (typeof path[0] !== "string" || !formFields.has(path[0])) {
      general.push(`${field}: ${message}`);
      continue;
    }
    const key = path.join("/");
    const entry = byField.get(key) ?? { path, messages: [] };
    entry.messages.push(message);
    byField.set(key, entry);
  }
  if (problem.fieldProblems.length === 0) general.push(problem.detail || problem.title);
  return { atFields: [...byField.values()], general };
}

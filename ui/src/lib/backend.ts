// The UI's one way to the backend: the generated commands, with a core error turned into a
// thrown UserError that carries the core's code. Views never call invoke() themselves.

import { commands, type ErrorCode, type IpcError } from "../bindings";

export { commands };

export class UserError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
  ) {
    super(detail);
    this.name = "UserError";
  }
}

type Answer<T> = { status: "ok"; data: T } | { status: "error"; error: IpcError };

/** The command's value, or a UserError with the core's code and sentence. */
export async function call<T>(answer: Promise<Answer<T>>): Promise<T> {
  const r = await answer;
  if (r.status === "ok") return r.data;
  throw new UserError(r.error.code, r.error.message);
}

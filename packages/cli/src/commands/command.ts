/** A `bpkit <name>` sub-command: `run` returns the process exit code. */
export type Command = {
  name: string
  summary: string
  run(args: string[]): Promise<number>
}

/**
 * Tables of the tables section. `tables` holds each Botpress table's definition (bot-owned, cascading from
 * `bots`); its rows live in a physical SQL table of their own, `t_<ULID of the table id>`, created and
 * dropped with it (see storage.ts), so that each table's expression indexes cover only its own rows.
 */
export interface TablesTables {
  tables: {
    id: string
    botId: string
    name: string
    /** JSON: the table's schema as the API returns it (`{ type: 'object', properties, required?, ... }`). */
    schema: string
    factor: number
    /** 1 when frozen: name and schema can no longer change. */
    frozen: number
    keyColumn: string | null
    tags: string
    createdAt: string
    updatedAt: string
  }
  /** Import and export jobs of a table, with their status. */
  tableJobs: {
    id: string
    botId: string
    tableId: string
    type: string
    status: string
    /** Why a failed job failed. */
    failureReason: string | null
    inputFileId: string | null
    outputFileId: string | null
    createdAt: string
    updatedAt: string
  }
}

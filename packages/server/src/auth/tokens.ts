import { createHash, randomBytes } from 'node:crypto'

export type TokenKind = 'pat' | 'bot' | 'integration'

const prefixes: Record<TokenKind, string> = { pat: 'bp_pat_', bot: 'bp_bak_', integration: 'bp_iak_' }

/** A new secret token of the given kind; only its hash is ever stored. */
export const generateToken = (kind: TokenKind) => prefixes[kind] + randomBytes(32).toString('base64url')

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

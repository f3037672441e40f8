export { startServer, startTestServer, type RunningServer, type TestServer } from './server.js'
export { resolveConfig, type ServerOptions, type ServerConfig } from './config.js'
export { readCredentials, exportLines, credentialsPath, type Credentials } from './bootstrap.js'
export { backup, restore, postgresBackupGuidance, type BackupSummary } from './backup/index.js'

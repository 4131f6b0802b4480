export { API_PREFIX, type AppDeps, buildApp } from './app.js';
export { configFromEnv, type ServerConfig } from './config.js';
export { type RunningServer, startServer } from './main.js';

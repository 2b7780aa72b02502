declare module 'virtual:rapport/config' {
  const config: import('./config/schema.ts').RapportConfig;
  export default config;
}

declare module 'virtual:rapport/project' {
  const project: import('./internal/project.ts').ProjectInfo;
  export default project;
}

declare namespace App {
  interface Locals {
    /** Set by Rapport's server for server-rendered pages: the CRM store and services, and a form to draw again. */
    rapport?: import('./server/form-server.ts').RapportLocals;
  }
}

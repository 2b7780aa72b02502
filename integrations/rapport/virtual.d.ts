declare module 'virtual:rapport/config' {
  const config: import('./config/schema.ts').RapportConfig;
  export default config;
}

declare module 'virtual:rapport/project' {
  const project: import('./internal/project.ts').ProjectInfo;
  export default project;
}

export {}; export const createProcessClient = undefined; export type ProcessClientOptions = {};

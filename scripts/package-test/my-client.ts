// The README quick start's `./my-client.ts`: the example adapter shipped with the package,
// copied into the project as a team would start (docs/adapter-guide.md).
export { client } from './sync-adapter/index.ts';

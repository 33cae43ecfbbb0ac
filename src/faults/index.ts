export { type DockerEngineProbe, probeDockerEngine } from './docker-engine.ts'
export {
  EmbeddedToxiproxy,
  type EmbeddedToxiproxyOptions,
  embeddedToxiproxyVersion,
  StartedEmbeddedToxiproxy,
} from './embedded/server.ts'
export { providerOrder, startToxiproxy, type ToxiproxyChainOptions } from './provider-chain.ts'
export { toxiproxyImage } from './providers/docker.ts'
export { type ProviderSkip, StartedToxiproxy, type ToxiproxyProviderKind } from './started-toxiproxy.ts'

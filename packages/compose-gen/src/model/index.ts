/** The deployment model: types, `buildModel` and the helpers emitters share. */
export * from "./types.js";
export { buildModel, expandContainerProfiles, profileClosures, type BuildModelOptions } from "./build.js";
export { ModelError } from "./normalize.js";
export { startedTogether } from "./dependencies.js";
export { findInterpolations, type Interpolation } from "./envvars.js";
export { APP_CONFIG_NAME, APP_CONFIG_PATH, DOCKER_API_NETWORK, SOCKET_PROXY_IMAGE, SOCKET_PROXY_NAME, appHealthcheck } from "./apps.js";
export { LABEL_COMPONENT, LABEL_PROJECT } from "./container.js";
export { SECRETS_DIR } from "./secrets.js";

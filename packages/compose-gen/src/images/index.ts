/** Image output: multi-stage Dockerfiles and a buildx bake file for the enabled apps. */
export { emitImages, imagesDirFromRoot, IMAGES_DIR, BAKE_FILE } from "./emit.js";
export { appImages, ImagePlanError, APP_DESCRIPTIONS, type AppImage } from "./plan.js";
export { appDockerfile, appDockerignore, healthcheckInstruction, ociLabels, dockerQuote, execForm, DEPLOY_DIR, APP_WORKDIR, APP_ENTRYPOINT, PNPM_STORE, DOCKERIGNORE_PATTERNS } from "./dockerfile.js";
export { bakeFile, bakeTag, hclString, dockerfileName, BAKE_VARIABLES } from "./bake.js";
export { imageSettings, DEFAULT_NODE_IMAGE, DEFAULT_IMAGE_USER, APPS_LICENSE, type ImageSettings } from "./settings.js";

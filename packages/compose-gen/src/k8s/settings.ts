/**
 * The Kubernetes-only settings of a config (`kubernetes` section, per-app `replicas`, the image naming of
 * built services), extracted once so the Kubernetes emitter stays a pure function of the deployment model
 * plus these values and never reads the raw config.
 */
import { APP_NAMES, type AppKey, type SocConfig } from "@soc/config";

/** Settings the Kubernetes emitter needs besides the deployment model. */
export interface K8sSettings {
  /** Namespace every object lives in (`kubernetes.namespace`). */
  namespace: string;
  /** `imagePullPolicy` of every container (`kubernetes.imagePullPolicy`; default `IfNotPresent`, see the README). */
  imagePullPolicy: "IfNotPresent" | "Always" | "Never";
  /** HorizontalPodAutoscaler of stateless Deployments (`kubernetes.hpa`). */
  hpa: { enabled: boolean; minReplicas: number; maxReplicas: number; targetCpuUtilization: number };
  /** PodDisruptionBudget of every Deployment (`kubernetes.pdb`). */
  pdb: { enabled: boolean; maxUnavailable: number };
  /** `key=value` node label selecting the nodes the edge agent DaemonSet runs on (`kubernetes.idsNodeLabel`). */
  idsNodeLabel: string;
  /** Replicas per container name when no HPA owns the workload (apps' `replicas`). */
  replicas: Record<string, number>;
  /** Registry and tag of images compose-gen builds (`images`): a service with only `build:` runs `<registry>/<name>:<tag>`. */
  images: { registry: string; tag: string };
}

/** Reads the {@link K8sSettings} of a parsed config (defaults already applied by the config schema). */
export function k8sSettings(config: SocConfig): K8sSettings {
  const k = config.kubernetes;
  const replicas: Record<string, number> = {};
  for (const key of Object.keys(APP_NAMES).sort() as AppKey[]) {
    const r = config.apps[key].replicas;
    if (r !== undefined) replicas[APP_NAMES[key]] = r;
  }
  return {
    namespace: k.namespace,
    imagePullPolicy: k.imagePullPolicy,
    hpa: { ...k.hpa },
    pdb: { ...k.pdb },
    idsNodeLabel: k.idsNodeLabel,
    replicas,
    images: { registry: config.images.registry, tag: config.images.tag },
  };
}

// The image slice of the runtime port (CRI's ImageManagerService).

/** Credentials for one registry (an entry of a kubernetes.io/dockerconfigjson Secret), in the engine's terms. */
export interface RegistryAuth {
  /** the registry host the credentials are for ("https://index.docker.io/v1/" for Docker Hub) */
  serveraddress: string;
  username?: string;
  password?: string;
  /** an OAuth identity token instead of username/password */
  identitytoken?: string;
}

export interface PullProgress {
  /** 'Pulling fs layer', 'Downloading', 'Pull complete', ... as the engine says it */
  status: string;
  /** layer id */
  id?: string;
  current?: number;
  total?: number;
}

/** Images: the kubelet's image puller (presence check, pull with an imagePullSecret's credentials). */
export interface ImageManager {
  imageExists(ref: string): Promise<boolean>;
  /**
   * Rejects with RuntimeError (code 'Runtime', reason 'ImagePull') when the image cannot be pulled. `auth`: the
   * registry credentials to pull with (an imagePullSecret's), never logged.
   */
  pullImage(ref: string, onProgress?: (p: PullProgress) => void, auth?: RegistryAuth): Promise<void>;
}

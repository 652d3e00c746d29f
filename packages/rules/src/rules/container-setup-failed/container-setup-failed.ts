/**
 * F35: the job's containers (job container, service containers, container hooks) could not be
 * set up, so the job failed in its "Initialize containers" step or in job initialization.
 *
 * Worker-side signatures, usually inside `Caught exception from step: <ex>` on the step
 * `Initialize containers` or a `Caught exception from JobExtension Initialization: <ex>`:
 * `Docker pull failed with exit code`, `Docker start fail with exit code`, `Docker network
 * create failed`, `Docker login for '<registry>' failed`, `One or more containers failed to
 * start.`, `Container operations are only supported on Linux runners`, `Container feature is
 * not supported when runner is already running inside container.`, `Min required docker engine
 * API ... version`, `docker: command not found`, `Jobs without a job container are forbidden`,
 * and container-hook failures.
 */
import type { RunlogEvent } from '@runlog/parser';
import { Occurrences, mergeSummaries } from '../../evidence.js';
import { RecentMap } from '../../recent.js';
import { createRule } from '../../types.js';
import { exceptionTexts } from '../../classify.js';

export type ContainerFailureKind =
  | 'pull'
  | 'start'
  | 'network'
  | 'login'
  | 'services'
  | 'os'
  | 'nested'
  | 'windows'
  | 'version'
  | 'missing'
  | 'required'
  | 'hooks';

const SIGNATURES: [ContainerFailureKind, RegExp][] = [
  ['pull', /Docker pull failed with exit code (-?\d+)/i],
  ['start', /Docker start fail(?:ed)? with exit code (-?\d+)/i],
  ['network', /Docker network create failed with exit code (-?\d+)/i],
  ['login', /Docker login for '([^']*)' failed with exit code (-?\d+)/i],
  ['services', /One or more containers failed to start/i],
  ['os', /Container operations are only supported on Linux runners/i],
  ['os', /Container action is only supported on Linux/i],
  ['nested', /Container feature is not supported when runner is already running inside container/i],
  ['windows', /Container feature requires Windows Server 1803 or higher/i],
  ['version', /Min required docker engine API (?:server|client) version is '([^']*)', your docker \('[^']*'\) (?:server|client) version is '([^']*)'/i],
  ['version', /Min required docker engine API (?:server|client) version/i],
  ['missing', /\bdocker(?:\.exe)?: command not found/i],
  ['required', /Jobs without a job container are forbidden on this runner/i],
  ['hooks', /The hook script at '([^']*)' running command '([^']*)' did not execute successfully/i],
  ['hooks', /Executing the custom container implementation failed/i],
  ['hooks', /Response file (?:is required but not found|could not be read) (?:for the hook script )?at '([^']*)'/i],
  ['hooks', /ACTIONS_RUNNER_CONTAINER_HOOKS/],
];

export interface ContainerFailure {
  kind: ContainerFailureKind;
  detail: string | null;
}

/** The container-setup failure a text states, or null. */
export function containerFailureOf(text: string): ContainerFailure | null {
  for (const [kind, re] of SIGNATURES) {
    const m = re.exec(text);
    if (m === null) continue;
    let detail: string | null = null;
    if (kind === 'pull' || kind === 'start' || kind === 'network') detail = `exit code ${m[1]}`;
    else if (kind === 'login') detail = `registry '${m[1] || 'docker.io'}', exit code ${m[2]}`;
    else if (kind === 'version' && m[1] !== undefined) detail = `required API ${m[1]}, installed ${m[2]}`;
    else if (kind === 'hooks' && m[1] !== undefined) detail = m[2] !== undefined ? `hook '${m[1]}', command '${m[2]}'` : `hook '${m[1]}'`;
    return { kind, detail };
  }
  return null;
}

/** Texts of an event where the worker states a container failure (not INFO command lines). */
export function containerTextsOf(e: RunlogEvent): string[] {
  switch (e.kind) {
    case 'exception':
      return exceptionTexts(e);
    case 'step.error':
      return [e.message];
    case 'step.telemetry':
      return e.errorMessages;
    case 'unrecognized':
    case 'terminal.error':
      return e.level === 'ERR' || e.level === 'WARN' || e.level === 'CRIT' || e.kind === 'terminal.error' ? [e.text] : [];
    default:
      return [];
  }
}

const REASONS: Record<ContainerFailureKind, string> = {
  pull: 'pulling an image failed',
  start: 'a container did not start',
  network: 'creating the job\'s Docker network failed',
  login: 'logging in to the container registry failed',
  services: 'one or more service containers failed to start (or failed their health check)',
  os: 'container jobs and service containers need a Linux runner',
  nested: 'the runner itself runs inside a container, where container jobs are not supported (use container hooks, e.g. ARC\'s kubernetes mode)',
  windows: 'container jobs need Windows Server 1803 or later',
  version: 'the Docker engine is older than the runner requires',
  missing: 'docker is not installed or not on the runner service\'s PATH',
  required: 'this runner requires a job container (ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER) and the job has none',
  hooks: 'the runner\'s container hooks (ACTIONS_RUNNER_CONTAINER_HOOKS) failed',
};

const PRIORITY: ContainerFailureKind[] = ['os', 'nested', 'windows', 'missing', 'version', 'required', 'hooks', 'login', 'pull', 'network', 'start', 'services'];

/** Runner-internal steps that set up and tear down containers. */
const CONTAINER_STEPS = new Set(['Initialize containers', 'Stop containers']);

export default createRule({
  meta: {
    id: 'container-setup-failed',
    cause: 'container_setup_failed',
    title: 'Job or service containers could not be set up',
    type: 'root-cause',
    severity: 'error',
    messages: {
      failed: 'Container setup failed{{where}}: {{reason}}{{detail}}{{image}}. {{jobs}} job(s) failed this way ({{first}} to {{last}}).',
      stepFailed:
        'The "{{step}}" step failed{{image}} without a recognised Docker error ({{jobs}} job(s), {{first}} to {{last}}): the job\'s containers could not be set up; the step log in the GitHub UI shows the Docker output.',
    },
    docs: {
      description:
        'Jobs with `container:` or `services:` (and container actions) make the runner pull images, create a Docker network and start containers in the "Initialize containers" step, or hand this to container hooks (ARC\'s kubernetes mode). When Docker is missing, too old, not reachable by the runner user, the registry refuses the login or the pull, or a service container fails its health check, the job fails before its steps run.',
      confirm: [
        'Open the failed job\'s "Initialize containers" step in the GitHub UI: it shows the docker command and its output.',
        'As the runner\'s user, on the runner machine: `docker version` (the runner needs the server API version it names), `docker pull <image>`, `docker network create test && docker network rm test`.',
        'In the Worker log: `Caught exception from step:` on `Initialize containers` with `Docker pull failed`, `Docker start fail`, `One or more containers failed to start.` or `docker: command not found`.',
      ],
      catalog: ['F35'],
    },
    remedy: {
      temporary: [
        'Check the image name and tag, then pull it by hand on the runner: `docker pull <image>`; for private registries add `credentials:` to the container in the workflow.',
        'Make sure the runner user can use Docker (`sudo usermod -aG docker <runner-user>`, then restart the runner service) and that the Docker daemon is running (`sudo systemctl status docker`).',
        'For a failing service container, read its logs in the "Initialize containers" step and fix its health check or start-up.',
      ],
      permanent: [
        'Install a supported Docker engine on Linux runners and keep it updated; container jobs are Linux-only.',
        'When the runner runs inside a container (Kubernetes, Docker-in-Docker), use container hooks (ARC kubernetes mode) or a Docker socket/sidecar instead of running container jobs directly.',
        'Mirror images you depend on in a registry you control to avoid pull rate limits and outages.',
      ],
      prevention: [
        'Pin container images to tags that exist and test registry credentials when rotating them.',
        'Add health checks with sensible retries to service containers.',
      ],
      docs: [
        'https://docs.github.com/en/actions/using-jobs/running-jobs-in-a-container',
        'https://docs.github.com/en/actions/using-containerized-services/about-service-containers',
        'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/customizing-the-containers-used-by-jobs',
      ],
    },
  },
  create(context) {
    const triggers = new Occurrences(context, 4, 2);
    const stepFailures = new Occurrences(context, 2, 1);
    const kinds = new Set<ContainerFailureKind>();
    // Only the first three of each are named.
    const details = new Set<string>();
    const images = new Set<string>();
    const files = new Set<string>();
    const stepFiles = new Set<string>();
    /** The runner-internal container step being processed, by (recent) file; none when absent. */
    const currentStep = new RecentMap<string, string>();
    let failedStepName: string | null = null;
    let initFailed = false;

    const observe = (e: RunlogEvent): void => {
      const texts = containerTextsOf(e);
      if (texts.length === 0) return;
      const failure = containerFailureOf(texts.join('\n'));
      if (failure === null) {
        // The exception the runner logs with a recognised failure, or the step's generic error.
        if (files.has(e.source.file) && (e.kind === 'exception' || /Job initialize failed|Caught exception from InitializeJob/i.test(e.text))) {
          triggers.context(e);
        }
        return;
      }
      kinds.add(failure.kind);
      if (failure.detail !== null && details.size < 3) details.add(failure.detail);
      files.add(e.source.file);
      if (/JobExtension Initialization|InitializeJob/i.test(e.text)) initFailed = true;
      triggers.add(e);
    };

    return {
      exception: observe,
      'step.telemetry': observe,
      unrecognized(e) {
        if (e.component === 'ContainerOperationProvider' || e.component === 'ContainerActionHandler') {
          const image = /^Container image: (\S+)/.exec(e.text);
          if (image !== null && images.size < 3) images.add(image[1]!);
        }
        observe(e);
      },
      'terminal.error': observe,
      'step.started'(e) {
        if (e.name !== null && CONTAINER_STEPS.has(e.name)) currentStep.set(e.source.file, e.name);
        else currentStep.delete(e.source.file);
      },
      'step.error'(e) {
        const before = triggers.count;
        observe(e);
        const step = currentStep.get(e.source.file) ?? null;
        if (triggers.count === before && step !== null) {
          stepFailures.add(e);
          stepFiles.add(e.source.file);
          failedStepName ??= step;
        }
      },
      'step.completed'(e) {
        const step = currentStep.get(e.source.file) ?? null;
        if (step === null || e.result !== 'Failed') return;
        if (files.has(e.source.file)) {
          triggers.context(e);
          return;
        }
        if (!stepFiles.has(e.source.file)) {
          stepFailures.add(e);
          stepFiles.add(e.source.file);
          failedStepName ??= step;
        } else {
          stepFailures.context(e);
        }
      },
      end() {
        const image = images.size > 0 ? ` (image ${[...images].slice(0, 3).map((i) => `'${i}'`).join(', ')})` : '';
        if (!triggers.empty) {
          const summary = mergeSummaries(triggers.summary(), stepFailures.summary())!;
          const kind = PRIORITY.find((k) => kinds.has(k))!;
          const detail = details.size > 0 ? ` (${[...details].slice(0, 3).join('; ')})` : '';
          const jobs = new Set([...files, ...stepFiles]).size;
          context.report({
            messageId: 'failed',
            data: {
              where: initFailed ? ' while initializing the job' : ' in the "Initialize containers" step',
              reason: REASONS[kind],
              detail,
              image,
              jobs,
              first: summary.firstSeen ?? 'unknown',
              last: summary.lastSeen ?? 'unknown',
            },
            evidence: summary.evidence,
            evidenceOmitted: summary.evidenceOmitted,
            count: jobs,
            firstSeen: summary.firstSeen,
            lastSeen: summary.lastSeen,
            severity: 'error',
            confidence: { level: 'high', reason: 'the worker logged the Docker or container-hook error that failed the job' },
          });
          return;
        }
        if (!stepFailures.empty) {
          const summary = stepFailures.summary()!;
          context.report({
            messageId: 'stepFailed',
            data: {
              step: failedStepName ?? 'Initialize containers',
              image,
              jobs: stepFiles.size,
              first: summary.firstSeen ?? 'unknown',
              last: summary.lastSeen ?? 'unknown',
            },
            evidence: summary.evidence,
            evidenceOmitted: summary.evidenceOmitted,
            count: stepFiles.size,
            firstSeen: summary.firstSeen,
            lastSeen: summary.lastSeen,
            severity: failedStepName === 'Stop containers' ? 'warning' : 'error',
            confidence: { level: 'medium', reason: 'the runner\'s own container step failed, but the Worker log does not name the Docker error' },
          });
        }
      },
    };
  },
});

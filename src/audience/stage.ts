import type { Logger } from 'pino';
import type { EventBus } from '../core/bus.ts';
import type { HealthRegistry } from '../core/health.ts';
import type { Stage } from '../core/stage.ts';
import type { FrameFaces, GlanceEvents, LiveView, Visit } from '../core/types.ts';
import { createAgeBands } from './age-bands.ts';
import { facingCamera, usableForAttributes } from './attention.ts';
import type { AudienceConfig } from '../config/audience.ts';
import { createRegionFilter } from '../core/ignore-regions.ts';
import { LiveRate } from './live-rate.ts';
import type { PrivacyConfig } from '../config/privacy.ts';
import { Tracker } from './tracker.ts';
import { VisitAccumulator, type Observation, type SummaryOptions } from './visitor-summary.ts';

/** What a track carries: its visit so far, replaced by the next one when the track outlasts maxVisitS. */
interface OpenVisit {
  visit: VisitAccumulator;
}

export interface AudienceStageDeps {
  config: AudienceConfig;
  privacy: PrivacyConfig;
  log: Logger;
  bus: EventBus<GlanceEvents>;
  health: HealthRegistry;
}

/**
 * Faces per frame in, visits and live views out. Wiring only: the ignore-region filter, tracker,
 * attention test and visit summary are pure modules. Time is the frames' own (monoMs for durations,
 * wallMs for the visit's start and end), so a scripted sequence always gives the same visits.
 */
export class AudienceStage implements Stage {
  readonly name = 'audience';
  private tracker: Tracker<OpenVisit> | undefined;
  private summary: SummaryOptions | undefined;
  private contentId: string | null = null;
  private lastMonoMs = -Infinity;
  private lastWallMs: number | undefined;
  private counts = { visits: 0, watchers: 0, frames: 0, outOfOrder: 0, ignoredFaces: 0, cutVisits: 0 };

  constructor(private readonly deps: AudienceStageDeps) {}

  async start(): Promise<void> {
    const { config, privacy, bus, health } = this.deps;
    const summary: SummaryOptions = {
      minAttentionS: config.minAttentionS,
      ageBands: createAgeBands(config.ageBands),
      genderMinMargin: config.genderMinMargin,
      emotion: privacy.emotion,
    };
    const inIgnoredRegion = createRegionFilter(privacy.ignoreRegions);
    const attention = { maxYawDeg: config.attentionMaxYawDeg, maxPitchDeg: config.attentionMaxPitchDeg };
    const attributes = { maxYawDeg: config.attributeMaxYawDeg, maxPitchDeg: config.attributeMaxPitchDeg, minFaceSize: privacy.minFaceSize };
    const tracker = new Tracker<OpenVisit>({ iouThreshold: config.iouThreshold, confirmFrames: config.confirmFrames, maxAbsenceMs: config.maxAbsenceMs }, () => ({ visit: new VisitAccumulator() }));
    const maxVisitMs = config.maxVisitS * 1000;
    this.tracker = tracker;
    const live = new LiveRate(config.liveMaxHz);

    const onFaces = (frame: FrameFaces) => {
      // A frame older than the last one would run tracks backwards; it can only come from a bug upstream.
      if (!(frame.monoMs > this.lastMonoMs)) {
        this.counts.outOfOrder++;
        return;
      }
      this.lastMonoMs = frame.monoMs;
      this.lastWallMs = frame.wallMs;
      this.counts.frames++;
      // Second line of defence: inference drops these before attributes run; nothing of them is kept here.
      const faces = frame.faces.filter((f) => !inIgnoredRegion(f.box));
      this.counts.ignoredFaces += frame.faces.length - faces.length;
      const update = tracker.update(
        frame.monoMs,
        faces.map((f) => f.box),
      );
      const people: LiveView['people'] = [];
      for (const { track, detection } of update.assignments) {
        const face = faces[detection];
        const attentive = facingCamera(face.pose, attention);
        const observation: Observation = {
          monoMs: frame.monoMs,
          wallMs: frame.wallMs,
          attentive,
          attributes: usableForAttributes(face, attributes) ? { age: face.age, gender: face.gender, emotion: privacy.emotion ? face.emotion : undefined } : undefined,
          contentId: this.contentId,
        };
        // A face that never leaves (a poster, a cashier) is cut into consecutive visits of maxVisitS.
        if (track.confirmed && track.data.visit.lengthMsAt(frame.monoMs) >= maxVisitMs) {
          const { visit, next } = track.data.visit.splitAt(observation, summary);
          track.data.visit = next;
          this.counts.cutVisits++;
          this.emit(visit);
        } else {
          track.data.visit.observe(observation);
        }
        if (track.confirmed) people.push({ box: { ...face.box }, watching: attentive });
      }
      for (const track of update.ended) this.emit(track.data.visit.summarize(summary));
      const fps = live.frame(frame.monoMs);
      if (fps !== undefined) bus.emit('live', { wallMs: frame.wallMs, width: frame.width, height: frame.height, people, fps });
    };

    bus.on('faces', onFaces, this);
    bus.on('contentChanged', ({ contentId }) => (this.contentId = contentId), this);
    this.summary = summary;
    health.register('audience', () => ({
      tracksInView: tracker.tracks.filter((t) => t.confirmed).length,
      tentativeTracks: tracker.tracks.filter((t) => !t.confirmed).length,
      visits: this.counts.visits,
      watchers: this.counts.watchers,
      /** Visits ended because their track outlasted maxVisitS (a face that stays: a poster, a cashier). */
      cutVisits: this.counts.cutVisits,
      frames: this.counts.frames,
      outOfOrderFrames: this.counts.outOfOrder,
      ignoredFaces: this.counts.ignoredFaces,
      lastFrameAt: this.lastWallMs === undefined ? null : new Date(this.lastWallMs).toISOString(),
    }));
  }

  /** Ends every open track so the people in view at shutdown are still counted. */
  async stop(): Promise<void> {
    this.deps.bus.removeListeners(this);
    const tracker = this.tracker;
    this.tracker = undefined;
    if (tracker && this.summary) {
      const open = tracker.endAll();
      for (const track of open) this.emit(track.data.visit.summarize(this.summary));
      if (open.length > 0) this.deps.log.info({ visits: open.length }, 'open tracks ended at stop');
    }
    this.deps.health.unregister('audience');
  }

  private emit(visit: Visit): void {
    this.counts.visits++;
    if (visit.watcher) this.counts.watchers++;
    this.deps.bus.emit('visit', visit);
  }
}

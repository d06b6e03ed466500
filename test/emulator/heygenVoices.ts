/**
 * `GET /v3/voices` (heygen-cli gen/voice.go): a deterministic catalogue of `count` voices (2,000 for the bench), paged
 * (`limit` 1-100, default 20; `token`), filtered by `type` (public | private; absent means public, the CLI's
 * default), `engine`, `language` and `gender`; items carry the schema's required fields (voice_id, name, language,
 * gender, support_pause, support_locale, type) and a `preview_audio_url` the emulator serves. `GET /v3/voices/{id}`
 * answers one voice.
 */
import type * as http from 'node:http';
import { ParamError, v3Error } from './errors';
import { misbehave } from './faults';
import { sendJson } from './http';
import { pageOf, parseEnum, parseLimit, seededId } from './paging';
import { previewUrl } from './previewMedia';
import { authorized, type V3Context } from './v3Context';

export const DEFAULT_VOICE_COUNT = 48;

export interface VoiceJson {
  voice_id: string;
  name: string;
  language: string;
  gender: 'female' | 'male';
  preview_audio_url: string;
  support_pause: boolean;
  support_locale: boolean;
  type: 'public' | 'private';
}

interface Voice extends Omit<VoiceJson, 'preview_audio_url'> {
  /** Which TTS engines back it (the `engine` filter; not part of the listed item). */
  engines: readonly string[];
}

const LANGUAGES = ['English', 'Spanish', 'French', 'German', 'Japanese', 'Portuguese', 'Hindi', 'Mandarin'];
const FEMALE = ['Ava', 'Lucia', 'Camille', 'Lena', 'Yui', 'Beatriz', 'Anaya', 'Mei', 'Grace', 'Sofia', 'Elise', 'Hana'];
const MALE = ['Noah', 'Mateo', 'Louis', 'Felix', 'Haruto', 'Tiago', 'Arjun', 'Wei', 'Oliver', 'Diego', 'Hugo', 'Ren'];
const ENGINES = [['starfish', 'elevenlabs'], ['elevenlabs'], ['fish', 'starfish']];

export class VoiceCatalog {
  private voices: Voice[] = [];

  constructor(
    private readonly origin: () => string,
    private count = DEFAULT_VOICE_COUNT,
  ) {
    this.seed();
  }

  /** Replaces the catalogue with `count` voices: odd ones female, every sixth private, languages in turn. */
  seed(count = this.count): void {
    this.count = count;
    this.voices = [];
    for (let n = 1; n <= count; n++) {
      const gender = n % 2 === 1 ? 'female' : 'male';
      const language = LANGUAGES[Math.floor((n - 1) / 2) % LANGUAGES.length];
      const names = gender === 'female' ? FEMALE : MALE;
      const id = seededId('voice', n);
      this.voices.push({
        voice_id: id,
        name: `${names[Math.floor((n - 1) / 2) % names.length]} ${String(n).padStart(4, '0')}`,
        language,
        gender,
        support_pause: true,
        support_locale: language === 'English' || language === 'Spanish',
        type: n % 6 === 0 ? 'private' : 'public',
        engines: ENGINES[n % ENGINES.length],
      });
    }
  }

  /** The `n`th seeded voice (1-based, wrapping), for looks' default voices. */
  at(n: number): Pick<VoiceJson, 'voice_id' | 'gender'> | undefined {
    return this.voices.length === 0 ? undefined : this.voices[(n - 1) % this.voices.length];
  }

  has(id: string): boolean {
    return this.voices.some((v) => v.voice_id === id);
  }

  all(): VoiceJson[] {
    return this.voices.map((v) => this.listed(v));
  }

  /** `GET /v3/voices` and `GET /v3/voices/{id}`; false for other paths. */
  handle(ctx: V3Context, req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean {
    const one = /^\/v3\/voices\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'GET' || (url.pathname !== '/v3/voices' && !one)) {
      return false;
    }
    req.resume();
    const answer = (): void => {
      if (!authorized(ctx, req, res)) {
        return;
      }
      if (one) {
        const voice = this.voices.find((v) => v.voice_id === decodeURIComponent(one[1]));
        sendJson(res, voice ? 200 : 404, voice ? { data: this.listed(voice) } : v3Error('not_found', `Voice ${one[1]} not found.`, 'voice_id'));
        return;
      }
      try {
        sendJson(res, 200, this.list(url.searchParams));
      } catch (error) {
        if (error instanceof ParamError) {
          sendJson(res, error.status, error.body());
        } else {
          throw error;
        }
      }
    };
    if (!misbehave(ctx.faults.take('voices'), req, res, answer, ctx.timers.later)) {
      answer();
    }
    return true;
  }

  private list(q: URLSearchParams): unknown {
    const limit = parseLimit(q, 20, 100);
    const type = parseEnum(q, 'type', ['public', 'private'] as const) ?? 'public';
    const engine = q.get('engine') || undefined;
    const language = q.get('language')?.toLowerCase() || undefined;
    const gender = q.get('gender')?.toLowerCase() || undefined;
    const matching = this.voices.filter(
      (v) =>
        v.type === type &&
        (engine === undefined || v.engines.includes(engine)) &&
        (language === undefined || v.language.toLowerCase() === language) &&
        (gender === undefined || v.gender === gender),
    );
    const page = pageOf(matching, limit, q.get('token'), (v) => v.voice_id);
    return { ...page, data: page.data.map((v) => this.listed(v)) };
  }

  private listed(voice: Voice): VoiceJson {
    const { voice_id, name, language, gender, support_pause, support_locale, type } = voice;
    return { voice_id, name, language, gender, preview_audio_url: previewUrl(this.origin(), 'voices', voice_id, 'mp3'), support_pause, support_locale, type };
  }
}

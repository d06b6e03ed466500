/**
 * The HeyGen calls the videos feature makes, each with the endpoint (base URL, key, timeouts, proxy) asked for
 * just before it, so a new key or base URL applies at once: status where the render lives, the streaming download,
 * and the account's listing.
 */
import type { V3Endpoint } from '../heygen/v3Client';
import { downloadVideo } from '../heygen/videoDownload';
import { getVideoStatusV1 } from '../heygen/videosLegacy';
import { getVideoV3, listVideosV3, type VideoPage } from '../heygen/videosV3';
import type { VideoBackend } from './renderTracker';
import type { VideoListApi } from './videoListing';

export function createVideoBackend(endpoint: () => Promise<V3Endpoint>): VideoBackend & VideoListApi {
  return {
    async status(api, videoId, signal) {
      const e = await endpoint();
      return api === 'v3' ? getVideoV3(e, videoId, signal) : getVideoStatusV1(e, videoId, signal);
    },
    async download(url, target, signal) {
      const e = await endpoint();
      return downloadVideo(e, { url, target, signal, log: e.log });
    },
    async list(token, signal): Promise<VideoPage> {
      return listVideosV3(await endpoint(), token, signal);
    },
  };
}

/** Every command id the extension contributes. Ids are a public contract: users bind keys to them. */
export const enum CommandId {
  // Shown in the command palette.
  UploadFile = 'heygen.uploadFile',
  UploadFromUrl = 'heygen.uploadFromUrl',
  SetApiKey = 'heygen.setApiKey',
  ClearApiKey = 'heygen.clearApiKey',
  ShowLog = 'heygen.showLog',
  ShowAccount = 'heygen.showAccount',
  InsertBackground = 'heygen.insertBackground',
  InsertTalkingPhoto = 'heygen.insertTalkingPhoto',
  InsertAudio = 'heygen.insertAudio',
  RefreshHistory = 'heygen.refreshHistory',
  FilterHistory = 'heygen.filterHistory',
  ClearFilter = 'heygen.clearFilter',
  ClearHistory = 'heygen.clearHistory',
  UploadLocalReferences = 'heygen.uploadLocalReferences',
  ConvertPayloadToV3 = 'heygen.convertPayloadToV3',

  // Menu-only (explorer, editor title, asset view items).
  UploadToHeyGen = 'heygen.uploadToHeyGen',
  CopyUrl = 'heygen.copyUrl',
  CopyId = 'heygen.copyId',
  CopyImageKey = 'heygen.copyImageKey',
  OpenInBrowser = 'heygen.openInBrowser',
  RevealSource = 'heygen.revealSource',
  UploadAgain = 'heygen.uploadAgain',
  RemoveFromHistory = 'heygen.removeFromHistory',

  // Internal: run by a quick fix, not contributed.
  UploadSourceAgainAndReplace = 'heygen.uploadSourceAgainAndReplace',
  /** Internal: the upload notification's "Show in Assets" (an asset id); not contributed. */
  ShowInAssets = 'heygen.showInAssets',
  // The Library view (issue 13).
  RefreshLibrary = 'heygen.refreshLibrary',
  FilterLibrary = 'heygen.filterLibrary',
  ClearLibraryFilter = 'heygen.clearLibraryFilter',
  DeleteFromHeyGen = 'heygen.deleteFromHeyGen',
  /** The Load More… row's command; not in the palette. */
  LoadMoreLibrary = 'heygen.loadMoreLibrary',
  /** Expands and focuses the Library (the Assets view's first look offers it); not in the palette. */
  ShowLibrary = 'heygen.showLibrary',

  // Videos (issue 23): generate from a payload, the Videos view and its item actions.
  GenerateVideo = 'heygen.generateVideo',
  RefreshVideos = 'heygen.refreshVideos',
  LoadMoreVideos = 'heygen.loadMoreVideos',
  OpenVideo = 'heygen.openVideo',
  OpenVideoInBrowser = 'heygen.openVideoInBrowser',
  CopyVideoUrl = 'heygen.copyVideoUrl',
  CopyVideoId = 'heygen.copyVideoId',
  RevealVideoPayload = 'heygen.revealVideoPayload',
  DeleteVideo = 'heygen.deleteVideo',
  WatchVideo = 'heygen.watchVideo',
  // Avatars and voices (issue 24).
  InsertAvatar = 'heygen.insertAvatar',
  InsertVoice = 'heygen.insertVoice',
  PlayVoicePreview = 'heygen.playVoicePreview',
  CreatePhotoAvatar = 'heygen.createPhotoAvatar',
  RefreshAvatarsAndVoices = 'heygen.refreshAvatarsAndVoices',

  // Asset references across the workspace (issue 25).
  FindAssetReferences = 'heygen.findAssetReferences',
  GoToAsset = 'heygen.goToAsset',
  CheckPayloads = 'heygen.checkPayloads',
}

/** Context keys set with `setContext`, used by `when` clauses in package.json. */
export const enum ContextKey {
  HasApiKey = 'heygen.hasApiKey',
  HasStoredApiKey = 'heygen.hasStoredApiKey',
  HistoryFiltered = 'heygen.historyFiltered',
  /** Why the Library view is empty, or 'ready' (see LibraryViewState). */
  LibraryState = 'heygen.libraryState',
  LibraryFiltered = 'heygen.libraryFiltered',
  /** HeyGen accepted the current key (`users/me`); completes the walkthrough's first step. */
  KeyChecked = 'heygen.keyChecked',
  /** The history has at least one asset; completes the walkthrough's upload step. */
  HasUploaded = 'heygen.hasUploaded',
  /** Nothing uploaded from this machine but the account holds assets: the Assets view says so and offers the Library. */
  FirstLook = 'heygen.firstLook',
  /** The active editor holds a video body (v2 or v3): the editor title offers Generate Video. */
  EditorHasVideoBody = 'heygen.editorHasVideoBody',
}

export const VIEW_ASSETS = 'heygen.assets';
export const VIEW_LIBRARY = 'heygen.library';
export const VIEW_VIDEOS = 'heygen.videos';
export const EXTENSION_ID = 'heygen-assets.heygen-assets';

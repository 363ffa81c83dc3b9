/**
 * The Paypro secret `npm start` serves unless PAYPRO_MERCHANT_NO, PAYPRO_APP_SECRET or
 * PAYPRO_CALLBACK_KEY say otherwise: a throwaway for local runs, read by the launcher and by the
 * end-to-end tests that check it never shows in what `npm start` prints.
 */
export const LOCAL_DEV_SECRET = {
  merchantNo: '0000000001',
  appSecret: 'local-dev-app-secret',
  callbackKey: 'local-dev-callback-key-change-me',
} as const;

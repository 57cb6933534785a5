export { refreshAccessToken, type FetchFunction, type RefreshOptions } from "./refresh-access-token.ts";
export { OAuthTokenManager, type OAuthTokenManagerOptions } from "./oauth-tokens.ts";

package apperr

// Errors of the OAuth2 / OpenID Connect server (Appwrite 2.0, Cloud). The
// type after "oauth2_" is the RFC 6749 / 8628 error code, which the
// token, revocation and introspection endpoints send beside Appwrite's
// keys as "error".
var (
	OAuth2ServerDisabled       = kind("oauth2_server_disabled", 404, "The OAuth2 server is not enabled for this project.")
	OAuth2InvalidRequest       = kind("oauth2_invalid_request", 400, "The OAuth2 request is invalid.")
	OAuth2InvalidClient        = kind("oauth2_invalid_client", 401, "Client authentication failed.")
	OAuth2InvalidGrant         = kind("oauth2_invalid_grant", 400, "The authorization grant or refresh token is invalid, expired or revoked.")
	OAuth2InvalidScope         = kind("oauth2_invalid_scope", 400, "The requested scope is invalid or unknown.")
	OAuth2InvalidTarget        = kind("oauth2_invalid_target", 400, "The requested resource is invalid.")
	OAuth2UnauthorizedClient   = kind("oauth2_unauthorized_client", 400, "The client may not use this grant type.")
	OAuth2UnsupportedGrantType = kind("oauth2_unsupported_grant_type", 400, "The grant type is not supported.")
	OAuth2InvalidToken         = kind("oauth2_invalid_token", 401, "The access token is invalid, expired or revoked.")
	OAuth2InsufficientScope    = kind("oauth2_insufficient_scope", 403, "The access token lacks the scope this needs.")
	OAuth2InvalidUserCode      = kind("oauth2_invalid_user_code", 400, "The user code is invalid or expired.")
	OAuth2AuthorizationPending = kind("oauth2_authorization_pending", 400, "The user has not answered the request yet.")
	OAuth2SlowDown             = kind("oauth2_slow_down", 400, "Polling too fast: wait longer between requests.")
	OAuth2AccessDenied         = kind("oauth2_access_denied", 400, "The user denied the request.")
	OAuth2ExpiredToken         = kind("oauth2_expired_token", 400, "The device code has expired.")
	OAuth2GrantNotFound        = kind("oauth2_grant_not_found", 404, "The grant could not be found, was answered or has expired.")
	OAuth2ConsentNotFound      = kind("oauth2_consent_not_found", 404, "Consent with the requested ID could not be found.")
	OAuth2TokenNotFound        = kind("oauth2_token_not_found", 404, "Token with the requested ID could not be found.")
)

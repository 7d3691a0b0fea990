package apperr

// Errors of the Apps API (/v1/apps, Appwrite 2.0's registered OAuth2
// clients) and of dynamic client registration.
var (
	AppNotFound       = kind("app_not_found", 404, "App with the requested ID could not be found.")
	AppAlreadyExists  = kind("app_already_exists", 409, "An app with the same ID already exists in this project.")
	AppLimitExceeded  = kind("app_limit_exceeded", 400, "The maximum number of apps has been reached.")
	AppSecretNotFound = kind("app_secret_not_found", 404, "App secret with the requested ID could not be found.")
	AppSecretLimit    = kind("app_secret_limit_exceeded", 400, "The maximum number of secrets for this app has been reached.")
	AppKeyNotFound    = kind("app_key_not_found", 404, "App key with the requested ID could not be found.")
	AppKeyLimit       = kind("app_key_limit_exceeded", 400, "The maximum number of keys for this app has been reached.")
	// A client ID metadata document that could not be fetched or used.
	AppMetadataInvalid = kind("app_client_metadata_invalid", 400, "The client ID metadata document could not be used.")
	// Dynamic client registration is off for the project (RFC 7591
	// access_denied), or asked for what it never gives.
	RegistrationDisabled = kind("oauth2_registration_disabled", 403, "Dynamic client registration is disabled for this project.")
	RegistrationInvalid  = kind("oauth2_invalid_client_metadata", 400, "The client metadata is invalid.")
	RegistrationRedirect = kind("oauth2_invalid_redirect_uri", 400, "A redirect URI is invalid.")
)

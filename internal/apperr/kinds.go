package apperr

func kind(typ string, status int, msg string) *Kind {
	return &Kind{Type: typ, Status: status, Msg: msg}
}

// General, routing, project and key errors.
var (
	Unknown             = kind("general_unknown", 500, "Server Error")
	ServerError         = kind("general_server_error", 500, "Server Error")
	Unavailable         = kind("general_server_error", 503, "The service is unavailable.")
	ArgumentInvalid     = kind("general_argument_invalid", 400, "Invalid parameter.")
	BadRequest          = kind("general_bad_request", 400, "There was an error processing your request.")
	RouteNotFound       = kind("general_route_not_found", 404, "The requested route was not found. Please refer to the API docs and try again.")
	UnauthorizedScope   = kind("general_unauthorized_scope", 401, "The current user or API key does not have the required scopes to access the requested resource.")
	UnknownOrigin       = kind("general_unknown_origin", 403, "The request originated from an unknown origin. If you trust this domain, please list it as a trusted platform in the Appwrite console.")
	ServiceDisabled     = kind("general_service_disabled", 403, "The requested service is disabled.")
	RateLimitExceeded   = kind("general_rate_limit_exceeded", 429, "Rate limit for the current endpoint has been exceeded. Please try again after some time.")
	QueryInvalid        = kind("general_query_invalid", 400, "The query's syntax is invalid.")
	CursorNotFound      = kind("general_cursor_not_found", 400, "The cursor is invalid. This can happen if the item represented by the cursor has been deleted.")
	SMTPDisabled        = kind("general_smtp_disabled", 503, "SMTP is disabled on this server.")
	PhoneDisabled       = kind("general_phone_disabled", 503, "Phone provider is not configured.")
	PayloadTooLarge     = kind("general_argument_invalid", 400, "The request body is too large.")
	ProjectNotFound     = kind("project_not_found", 404, "Project with the requested ID could not be found.")
	ProjectKeyExpired   = kind("project_key_expired", 401, "The project key has expired. Please generate a new key.")
	ProjectExists       = kind("project_already_exists", 409, "Project with the requested ID already exists.")
	PlatformNotFound    = kind("platform_not_found", 404, "Platform with the requested ID could not be found.")
	KeyNotFound         = kind("key_not_found", 404, "Key with the requested ID could not be found.")
	ConsoleForbidden    = kind("general_access_forbidden", 401, "Access to this API is forbidden.")
	KeyExists           = kind("key_already_exists", 409, "Key with the requested ID already exists. Try again with a different ID or use ID.unique() to generate a unique ID.")
	KeyCreationDenied   = kind("key_creation_denied", 403, "This key may not create or widen keys.")
	PlatformExists      = kind("platform_already_exists", 409, "Platform with the requested ID already exists. Try again with a different ID or use ID.unique() to generate a unique ID.")
	PlatformMethodWrong = kind("platform_method_unsupported", 400, "This route does not manage platforms of this type.")
	InvalidEmail        = kind("general_invalid_email", 400, "Invalid email address.")
	InvalidPhone        = kind("general_invalid_phone", 400, "Invalid phone number.")
	DocumentConflict    = kind("document_update_conflict", 409, "Remote document is newer than local.")
	ProviderDisabled    = kind("project_provider_disabled", 412, "The chosen OAuth provider is disabled.")
	ProviderUnsupported = kind("project_provider_unsupported", 400, "The chosen OAuth provider is unsupported.")
)

// User, session, token and identity errors.
var (
	UserCountExceeded = kind("user_count_exceeded", 501, "The current project has exceeded the maximum number of users.")
	UserJWTInvalid    = kind("user_jwt_invalid", 401, "The JWT token is invalid. Please check the value of the X-Appwrite-JWT header to ensure the correct token is being used.")
	// Appwrite 1.9+: POST /account/jwts from a request authorized by a JWT.
	UserJWTCreationDenied = kind("user_jwt_creation_denied", 403, "A JWT cannot be created from a request authorized by a JWT. Use a session instead.")
	UserAlreadyExists     = kind("user_already_exists", 409, "A user with the same id, email, or phone already exists in this project.")
	// Gatehouse's: a sign-in in "suggested" linking mode met an account
	// with the same verified email; the app offers to link them.
	UserLinkSuggested         = kind("user_link_suggested", 409, "An account with this email already exists. Sign in to it, then confirm the link with the link token.")
	UserEmailAlreadyExists    = kind("user_email_already_exists", 409, "A user with the same email already exists in the current project.")
	UserPhoneAlreadyExists    = kind("user_phone_already_exists", 409, "A user with the same phone number already exists in the current project.")
	UserBlocked               = kind("user_blocked", 403, "The current user has been blocked.") // 401 before Appwrite 1.9
	UserInvalidToken          = kind("user_invalid_token", 401, "Invalid token passed in the request.")
	UserInvalidCredentials    = kind("user_invalid_credentials", 401, "Invalid credentials. Please check the email and password.")
	UserPasswordReset         = kind("user_password_reset_required", 412, "The current user requires a password reset.")
	UserSessionExists         = kind("user_session_already_exists", 401, "Creation of a session is prohibited when a session is active.")
	UserSessionNotFound       = kind("user_session_not_found", 404, "The current user session could not be found.")
	UserNotFound              = kind("user_not_found", 404, "User with the requested ID could not be found.")
	UserIdentityNotFound      = kind("user_identity_not_found", 404, "The identity could not be found.")
	UserUnauthorized          = kind("user_unauthorized", 401, "The current user is not authorized to perform the requested action.")
	UserAuthMethodUnsupported = kind("user_auth_method_unsupported", 501, "The requested authentication method is either disabled or unsupported. Please check the supported authentication methods in the Appwrite console.")
	UserAnonymousConsole      = kind("user_anonymous_console_prohibited", 401, "Anonymous users are not allowed to sign in to the console.")
	PasswordRecentlyUsed      = kind("password_recently_used", 400, "The password you are trying to use is similar to your previous password. For your security, please choose a different password and try again.")
	PasswordPersonalData      = kind("password_personal_data", 400, "The password you are trying to use contains references to your name, email, phone or userID. For your security, please choose a different password and try again.")
	UserTargetExists          = kind("user_target_already_exists", 409, "A target with the same ID already exists.")
	UserTargetNotFound        = kind("user_target_not_found", 404, "The target could not be found.")
	// Gatehouse's, named like Appwrite's *_limit_exceeded errors: a user
	// holds at most storage.MaxTargets targets.
	UserTargetLimitExceeded   = kind("user_target_limit_exceeded", 400, "The maximum number of targets for this user has been reached.")
	UserEmailVerified         = kind("user_email_already_verified", 409, "The email is already verified.")
	UserPhoneVerified         = kind("user_phone_already_verified", 409, "The phone is already verified.")
	UserPhoneNotFound         = kind("user_phone_not_found", 400, "The current user does not have a phone number.")
	UserEmailNotFound         = kind("user_email_not_found", 400, "The current user does not have an email.")
	UserMoreFactorsRequired   = kind("user_more_factors_required", 401, "More factors are required to complete the sign in process.")
	UserChallengeRequired     = kind("user_challenge_required", 401, "A recently successful challenge is required to complete this action.")
	UserAuthenticatorNotFound = kind("user_authenticator_not_found", 404, "Authenticator could not be found on the current user.")
	UserAuthenticatorVerified = kind("user_authenticator_already_verified", 409, "This authenticator is already verified on the current user.")
	UserRecoveryCodesExist    = kind("user_recovery_codes_already_exists", 409, "The current user already generated recovery codes and they can only be read once for security reasons.")
	UserRecoveryCodesNotFound = kind("user_recovery_codes_not_found", 404, "The current user does not have recovery codes.")
	UserEmailNotVerified      = kind("user_email_not_verified", 400, "The current user's email is not verified.")
	UserPhoneNotVerified      = kind("user_phone_not_verified", 400, "The current user's phone number is not verified.")
	UserKeyAndSessionSet      = kind("user_key_and_session_set", 403, "Cannot use an API key and session at the same time.")
	UserDeletionPending       = kind("user_deletion_pending", 409, "The user is being deleted.")
	// Gatehouse's: deleting the identity would leave the user no way to
	// sign in (no password, no other identity, no verified email or phone).
	// The email policies of Appwrite 1.9, checked on sign-up and email
	// change in this order (after general_invalid_email).
	UserEmailDisposable   = kind("user_email_disposable", 400, "Disposable email addresses are not allowed in this project. Please use a permanent address.")
	UserEmailNotCanonical = kind("user_email_not_canonical", 400, "Email aliases (such as plus addressing or extra dots) are not allowed in this project. Please use the address itself.")
	UserEmailFree         = kind("user_email_free", 400, "Addresses from free email providers are not allowed in this project. Please use your work address.")
	UserEmailNotCorporate = kind("user_email_not_corporate", 400, "Only corporate email addresses are allowed in this project.")
	UserIdentityLastWayIn = kind("user_identity_last_way_in", 409, "This identity is the user's last way to sign in. Add a password, a verified email or phone, or another identity first.")
)

// Errors Appwrite 1.9 and 2.0 added to the calls Gatehouse serves.
var (
	// A JWT beside a valid session (cookie, X-Appwrite-Session or
	// X-Fallback-Cookies).
	UserJWTAndCookieSet = kind("user_jwt_and_cookie_set", 403, "JWT and cookie used in the same request. Use either a JWT or a session, not both.")
	// A project API key without X-Appwrite-Project naming its project.
	ProjectIDMissing   = kind("project_id_missing", 403, "When using a project API key, pass the X-Appwrite-Project header with the key's project ID.")
	ResourceLocked     = kind("general_resource_locked", 409, "The resource is locked and cannot be changed now.")
	FeatureUnsupported = kind("general_feature_unsupported", 400, "The requested feature is not supported by this server.")
)

// Passkeys (Gatehouse's; Appwrite has none).
var (
	PasskeyNotFound = kind("user_passkey_not_found", 404, "The passkey could not be found.")
	// The response did not verify: a bad signature, an unknown or spent
	// challenge, a wrong relying party, a passkey not the user's.
	PasskeyInvalid = kind("user_passkey_invalid", 401, "The passkey could not be verified. Start again.")
	// The browser ran the ceremony on an origin the project does not
	// list as a web platform, or outside the relying party's domain.
	PasskeyOriginInvalid = kind("user_passkey_origin_invalid", 401, "The passkey was used on an origin that is not one of the project's web platforms.")
	// The signature counter did not move forward: two copies of the
	// credential exist, one of them a clone.
	PasskeyCloned = kind("user_passkey_cloned", 401, "The passkey's signature counter went backwards, so the authenticator may have been cloned. The sign-in was refused; sign in another way and replace this passkey.")
	PasskeyExists = kind("user_passkey_already_exists", 409, "This passkey is already registered in this project.")
	// The project has no relying-party id: none set, and no web platform
	// with a hostname to derive one from.
	PasskeyRPMissing = kind("project_passkey_rp_missing", 400, "Passkeys need a relying-party id: add a web platform with a hostname to the project, or set the passkey relying-party id.")
)

package apperr

// Errors of Appwrite 1.9's server-side Project API settings routes.
var (
	MockNumberExists       = kind("mock_number_already_exists", 409, "A mock phone number with the same number already exists.")
	MockNumberNotFound     = kind("mock_number_not_found", 404, "Mock phone number with the requested number could not be found.")
	MockNumberLimit        = kind("mock_number_limit_exceeded", 400, "The maximum number of mock phone numbers for this project has been reached.")
	SMTPConfigInvalid      = kind("project_smtp_config_invalid", 400, "The SMTP settings could not be verified: no connection could be made with them.")
	VariableNotFound       = kind("variable_not_found", 404, "Variable with the requested ID could not be found.")
	VariableExists         = kind("variable_already_exists", 409, "A variable with the same id or key already exists in this project.")
	VariableLimitExceeded  = kind("variable_limit_exceeded", 400, "The maximum number of variables for this project has been reached.")
	VariableCannotUnsecret = kind("variable_cannot_unset_secret", 400, "Secret variables cannot be marked as non-secret. Please re-create the variable if this is your intent.")
)

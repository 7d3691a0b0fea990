package templates

// locales holds the default texts by language. English has every kind;
// the others may have only some, and a kind missing there is rendered in
// English. English subjects and previews are Appwrite 1.8's, which apps
// and Appwrite's own tests look for; the paragraphs are ours.
var locales = map[string]*texts{
	"en": &en,
	"de": &de,
	"es": &es,
	"fr": &fr,
}

var en = texts{
	code:      "en",
	direction: "ltr",
	hello:     "Hello {{user}},",
	helloAnon: "Hello,",
	signoff:   "Thanks,",
	team:      "The {{project}} team",
	email: map[string]email{
		Verification: {
			subject: "Account Verification for {{project}}",
			preview: "Verify your email to activate your {{project}} account.",
			blocks: []block{
				p("Follow this link to verify your email address."),
				btn("Verify email address"),
				p("If you did not ask to verify this address, you can ignore this message."),
				pIf("disown", "An account of {{project}} was just set up with this address. If that was not you, do not verify it: follow this link instead. It keeps the address yours and removes what whoever set up the account added to it: its password, its sessions and its other ways to sign in."),
				linkTo("disown", "This wasn't me"),
			},
		},
		MagicSession: {
			subject: "{{project}} Login",
			preview: "Sign in to {{project}} with your secure link. Expires in 1 hour.",
			blocks: []block{
				p("Follow this link to sign in to {{project}}."),
				btn("Sign in"),
				pIf("phrase", "The security phrase for this email is “{{phrase}}”. Trust this email only if it matches the phrase shown when you asked to sign in."),
				p("If you did not ask to sign in with this email address, you can ignore this message."),
			},
		},
		Recovery: {
			subject: "Password Reset for {{project}}",
			preview: "Reset your {{project}} password using the link.",
			blocks: []block{
				p("Follow this link to reset the password of your {{project}} account."),
				btn("Reset password"),
				p("If you did not ask to reset your password, you can ignore this message; your password stays as it is."),
			},
		},
		Invitation: {
			subject: "Invitation to {{team}} Team at {{project}}",
			preview: "You have been invited to join {{team}} at {{project}}.",
			blocks: []block{
				p("You have been invited to join the {{team}} team on {{project}}."),
				btn("Accept invitation"),
				p("If you are not interested, you can ignore this message."),
			},
		},
		MFAChallenge: {
			subject: "Verification Code for {{project}}",
			preview: "Use code {{otp}} for two-step verification in {{project}}. Expires in 15 minutes.",
			blocks: []block{
				p("Use this code to finish signing in to {{project}}:"),
				otpBlock(),
				p("If you did not try to sign in, someone may know your password. Change it as soon as you can."),
			},
		},
		SessionAlert: {
			subject: "Security alert: new session on your {{project}} account",
			preview: "New login detected on {{project}} at {{time}} UTC.",
			blocks: []block{
				p("A new session was just created on your {{project}} account:"),
				line("agentDevice", "Device: {{agentDevice}}"),
				line("agentClient", "Client: {{agentClient}}"),
				line("agentOs", "Operating system: {{agentOs}}"),
				line("ipAddress", "IP address: {{ipAddress}}"),
				line("country", "Country: {{country}}"),
				p("If this was you, there is nothing to do. If not, sign in, delete this session and change your password."),
			},
		},
		OTPSession: {
			subject: "OTP for {{project}} Login",
			preview: "Use OTP {{otp}} to sign in to {{project}}. Expires in 15 minutes.",
			blocks: []block{
				p("Enter this code to sign in to {{project}}. It expires in 15 minutes."),
				otpBlock(),
				pIf("phrase", "The security phrase for this email is “{{phrase}}”. Trust this email only if it matches the phrase shown when you asked to sign in."),
				p("If you did not ask for a sign-in code, you can ignore this message."),
			},
		},
		AccountLinked: {
			subject: "Accounts were linked on {{project}}",
			blocks: []block{
				p("Two {{project}} accounts, one of them yours, were just linked into one. Every way into either account now signs in to the linked one."),
				line("account", "Other account: {{account}}"),
				p("If this was you, there is nothing to do. If not, follow this link: it splits the accounts apart again and ends the sessions opened since the change. It works once."),
				btn("This wasn't me"),
			},
		},
		AccountUnlinked: {
			subject: "An account was split off on {{project}}",
			blocks: []block{
				p("A way into your {{project}} account was just split off into an account of its own."),
				line("account", "Other account: {{account}}"),
				pIf("redirect", "If this was you, there is nothing to do. If not, follow this link: it joins the accounts again and ends the sessions of the split-off account. It works once."),
				btnIf("redirect", "This wasn't me"),
				// The split-off account's mail: only the account it left
				// may join them again.
				pUnless("redirect", "Your sign-in details now open this account of its own. Only the account it was split from can undo this; if you did not expect it, ask the people who run {{project}}."),
			},
		},
		AccountClaimed: {
			subject: "Your {{project}} account is yours now",
			blocks: []block{
				p("You just proved that this email address is yours. An account of {{project}} had been set up with it before, so what was set up for it then no longer opens it:"),
				line("removed", "Removed: {{removed}}"),
				p("If you set these up yourself, add them again from your account. If not, someone tried to keep a way into an account with your address: they no longer have one."),
			},
		},
	},
	// Appwrite's texts carry the code alone, in every language: an app
	// may read the whole text as the code (Android's SMS Retriever does).
	sms: map[string]string{
		Verification: "{{secret}}",
		Login:        "{{secret}}",
		Invitation:   "You have been invited to join {{team}} on {{project}}: {{redirect}}",
		MFAChallenge: "{{secret}}",
	},
}

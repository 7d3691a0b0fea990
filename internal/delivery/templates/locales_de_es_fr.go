package templates

var de = texts{
	code:      "de",
	direction: "ltr",
	hello:     "Hallo {{user}},",
	helloAnon: "Hallo,",
	signoff:   "Viele Grüße",
	team:      "Ihr {{project}}-Team",
	email: map[string]email{
		Verification: {
			subject: "Bestätigen Sie Ihre E-Mail-Adresse für {{project}}",
			blocks: []block{
				p("Folgen Sie diesem Link, um Ihre E-Mail-Adresse zu bestätigen."),
				btn("E-Mail-Adresse bestätigen"),
				p("Wenn Sie diese Bestätigung nicht angefordert haben, können Sie diese Nachricht ignorieren."),
				pIf("disown", "Soeben wurde ein Konto bei {{project}} mit dieser Adresse eingerichtet. Wenn Sie das nicht waren, bestätigen Sie die Adresse nicht, sondern folgen Sie diesem Link: Die Adresse bleibt Ihre, und was für das Konto eingerichtet wurde (Passwort, Sitzungen, weitere Anmeldewege), wird entfernt."),
				linkTo("disown", "Das war ich nicht"),
			},
		},
		OTPSession: {
			subject: "Ihr Anmeldecode für {{project}}",
			blocks: []block{
				p("Geben Sie diesen Code ein, um sich bei {{project}} anzumelden. Er ist 15 Minuten lang gültig."),
				otpBlock(),
				pIf("phrase", "Die Sicherheitsphrase dieser E-Mail lautet „{{phrase}}“. Vertrauen Sie dieser E-Mail nur, wenn sie mit der Phrase übereinstimmt, die bei Ihrer Anmeldung angezeigt wurde."),
				p("Wenn Sie keinen Anmeldecode angefordert haben, können Sie diese Nachricht ignorieren."),
			},
		},
	},
}

var es = texts{
	code:      "es",
	direction: "ltr",
	hello:     "Hola, {{user}}:",
	helloAnon: "Hola:",
	signoff:   "Gracias,",
	team:      "El equipo de {{project}}",
	email: map[string]email{
		Verification: {
			subject: "Verifica tu dirección de correo electrónico para {{project}}",
			blocks: []block{
				p("Sigue este enlace para verificar tu dirección de correo electrónico."),
				btn("Verificar dirección de correo"),
				p("Si no pediste verificar esta dirección, puedes ignorar este mensaje."),
				pIf("disown", "Se acaba de crear una cuenta de {{project}} con esta dirección. Si no fuiste tú, no la verifiques: sigue este enlace. La dirección sigue siendo tuya y se elimina lo que se configuró para la cuenta: su contraseña, sus sesiones y sus otras formas de iniciar sesión."),
				linkTo("disown", "No fui yo"),
			},
		},
		OTPSession: {
			subject: "Tu código de inicio de sesión de {{project}}",
			blocks: []block{
				p("Introduce este código para iniciar sesión en {{project}}. Caduca en 15 minutos."),
				otpBlock(),
				pIf("phrase", "La frase de seguridad de este correo es «{{phrase}}». Confía en este correo solo si coincide con la frase que se mostró al pedir el inicio de sesión."),
				p("Si no pediste un código de inicio de sesión, puedes ignorar este mensaje."),
			},
		},
	},
}

var fr = texts{
	code:      "fr",
	direction: "ltr",
	hello:     "Bonjour {{user}},",
	helloAnon: "Bonjour,",
	signoff:   "Merci,",
	team:      "L’équipe {{project}}",
	email: map[string]email{
		Verification: {
			subject: "Vérifiez votre adresse e-mail pour {{project}}",
			blocks: []block{
				p("Suivez ce lien pour vérifier votre adresse e-mail."),
				btn("Vérifier l’adresse e-mail"),
				p("Si vous n’avez pas demandé cette vérification, vous pouvez ignorer ce message."),
				pIf("disown", "Un compte {{project}} vient d’être créé avec cette adresse. Si ce n’était pas vous, ne la vérifiez pas : suivez plutôt ce lien. L’adresse reste la vôtre et ce qui a été configuré pour le compte est supprimé : son mot de passe, ses sessions et ses autres moyens de connexion."),
				linkTo("disown", "Ce n’était pas moi"),
			},
		},
		OTPSession: {
			subject: "Votre code de connexion à {{project}}",
			blocks: []block{
				p("Saisissez ce code pour vous connecter à {{project}}. Il expire dans 15 minutes."),
				otpBlock(),
				pIf("phrase", "La phrase de sécurité de cet e-mail est « {{phrase}} ». Ne faites confiance à cet e-mail que si elle correspond à la phrase affichée lors de votre demande de connexion."),
				p("Si vous n’avez pas demandé de code de connexion, vous pouvez ignorer ce message."),
			},
		},
	},
}

# Shared by smoke-binary.sh and smoke-image.sh: the checks a fresh
# Gatehouse must pass over HTTP. Source it; needs curl.

# smoke_random_hex N: N random bytes as hex.
smoke_random_hex() {
	od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'
}

# smoke_wait_health BASE SECONDS: wait until BASE/v1/health answers 200.
smoke_wait_health() {
	local base=$1 deadline=$((SECONDS + $2))
	until curl -fsS -o /dev/null --max-time 2 "$base/v1/health" 2>/dev/null; do
		if [ $SECONDS -ge "$deadline" ]; then
			echo "smoke: $base/v1/health did not answer 200 within $2s" >&2
			return 1
		fi
		sleep 0.5
	done
}

# smoke_request METHOD URL WANT_STATUS [curl args...]: one request; fails
# unless the status is WANT_STATUS. The body is left in $smoke_body.
smoke_request() {
	local method=$1 url=$2 want=$3 status
	shift 3
	smoke_body=$(mktemp)
	status=$(curl -sS --max-time 30 -o "$smoke_body" -w '%{http_code}' -X "$method" "$@" "$url") || status=000
	if [ "$status" != "$want" ]; then
		echo "smoke: $method $url answered $status, want $want:" >&2
		cat "$smoke_body" >&2
		echo >&2
		rm -f "$smoke_body"
		return 1
	fi
	smoke_body_text=$(cat "$smoke_body")
	rm -f "$smoke_body"
}

# smoke_api BASE ADMIN_KEY: health, a project made with the admin key,
# a sign-up and a sign-in (which runs the password-hashing child).
smoke_api() {
	local base=$1 key=$2 project email
	project=smoke$(smoke_random_hex 4)
	email="smoke-$(smoke_random_hex 4)@example.test"
	smoke_request GET "$base/v1/health" 200 || return 1
	case $smoke_body_text in
	*'"status":"pass"'*) ;;
	*) echo "smoke: health body: $smoke_body_text" >&2; return 1 ;;
	esac
	echo "smoke: GET /v1/health: $smoke_body_text"
	smoke_request POST "$base/v1/projects" 201 -H 'Content-Type: application/json' \
		-H 'X-Appwrite-Project: console' -H "X-Appwrite-Key: $key" \
		--data "{\"projectId\":\"$project\",\"name\":\"Smoke test\"}" || return 1
	echo "smoke: POST /v1/projects: project $project created"
	smoke_request POST "$base/v1/account" 201 -H 'Content-Type: application/json' \
		-H "X-Appwrite-Project: $project" \
		--data "{\"userId\":\"unique()\",\"email\":\"$email\",\"password\":\"smoke test password\"}" || return 1
	case $smoke_body_text in
	*"\"email\":\"$email\""*) ;;
	*) echo "smoke: sign-up body: $smoke_body_text" >&2; return 1 ;;
	esac
	echo "smoke: POST /v1/account: $email signed up"
	smoke_request POST "$base/v1/account/sessions/email" 201 -H 'Content-Type: application/json' \
		-H "X-Appwrite-Project: $project" \
		--data "{\"email\":\"$email\",\"password\":\"smoke test password\"}" || return 1
	echo "smoke: POST /v1/account/sessions/email: signed in"
}

package apitest

import "testing"

// TestNativeAppOrigins: Appwrite's native SDKs send an Origin such as
// appwrite-android://<package id>; a write from a registered native
// platform passes the origin check, one from an unregistered package does
// not, and a package id is no web host.
func TestNativeAppOrigins(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		for _, pl := range []map[string]any{
			{"type": "flutter-android", "name": "Android", "key": "com.example.shop"},
			{"type": "apple-ios", "name": "iOS", "key": "com.example.ShopApp"},
		} {
			expect(t, s.admin(t).do("POST", "/projects/"+c.project+"/platforms", pl), 201, "")
		}
		signUp := func(origin string) *resp {
			return c.with("Origin", origin).do("POST", "/account", map[string]any{"userId": "unique()", "email": email(), "password": "correct horse"})
		}
		expect(t, signUp("appwrite-android://com.example.shop"), 201, "")
		expect(t, signUp("appwrite-ios://com.example.shopapp"), 201, "")
		expect(t, signUp("appwrite-android://com.evil.shop"), 403, "general_unknown_origin")
		expect(t, signUp("appwrite-ios://com.example.shop.evil"), 403, "general_unknown_origin")
		// The package id is not a web host.
		expect(t, signUp("https://com.example.shop"), 403, "general_unknown_origin")
		// Web platforms still pass as before.
		expect(t, signUp("https://app.example.test"), 201, "")
	})
}

package apitest

import (
	"testing"
)

// TestProjectAPIPlatforms: one create and update route per platform kind,
// each with its own identifier; list, get and delete for all; the shapes
// of older formats; and the origin checks the platforms feed.
func TestProjectAPIPlatforms(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t)
		k := projectKey(c, "platforms.read", "platforms.write")
		kinds := []struct{ kind, field, value string }{
			{"web", "hostname", "shop.example.test"},
			{"apple", "bundleIdentifier", "com.example.ShopApp"},
			{"android", "applicationId", "com.example.shop"},
			{"windows", "packageIdentifierName", "Example.Shop"},
			{"linux", "packageName", "example-shop"},
		}
		for _, kd := range kinds {
			r := k.do("POST", "/project/platforms/"+kd.kind, map[string]any{"platformId": kd.kind + "1", "name": "Shop " + kd.kind, kd.field: kd.value})
			expect(t, r, 201, "")
			m := r.obj(t)
			if m["$id"] != kd.kind+"1" || m["type"] != kd.kind || m[kd.field] != kd.value || m["name"] != "Shop "+kd.kind {
				t.Fatalf("%s: %s", kd.kind, r.body)
			}
			if kd.kind != "web" && lacks(m, "hostname", "key", "store") != "" {
				t.Fatalf("%s carries old fields: %s", kd.kind, r.body)
			}
			g := k.do("GET", "/project/platforms/"+kd.kind+"1", nil)
			expect(t, g, 200, "")
			if g.obj(t)[kd.field] != kd.value {
				t.Fatalf("get %s: %s", kd.kind, g.body)
			}
			// Before 1.9.0 the identifier is the key again.
			old := format(k, "1.8.0").do("GET", "/project/platforms/"+kd.kind+"1", nil).obj(t)
			if miss := has(old, "key", "store", "hostname"); miss != "" {
				t.Fatalf("1.8.0 %s: no %s", kd.kind, miss)
			}
			if kd.kind != "web" && old["key"] != kd.value {
				t.Fatalf("1.8.0 %s: key %v", kd.kind, old["key"])
			}
			// Update by its own kind only.
			u := k.do("PUT", "/project/platforms/"+kd.kind+"/"+kd.kind+"1", map[string]any{"name": "New " + kd.kind, kd.field: kd.value + "2"})
			expect(t, u, 200, "")
			if u.obj(t)[kd.field] != kd.value+"2" || u.obj(t)["name"] != "New "+kd.kind {
				t.Fatalf("update %s: %s", kd.kind, u.body)
			}
			wrong := "linux"
			if kd.kind == "linux" {
				wrong = "web"
			}
			expect(t, k.do("PUT", "/project/platforms/"+wrong+"/"+kd.kind+"1", map[string]any{"name": "x", "hostname": "x", "packageName": "x"}),
				400, "platform_method_unsupported")
		}
		expect(t, k.do("POST", "/project/platforms/web", map[string]any{"platformId": "web1", "name": "again", "hostname": "x.test"}), 409, "platform_already_exists")
		expect(t, k.do("PUT", "/project/platforms/web/nosuch", map[string]any{"name": "x", "hostname": "x.test"}), 404, "platform_not_found")
		for _, body := range []map[string]any{
			{"platformId": "unique()", "name": "no host"},
			{"platformId": "unique()", "name": "  ", "hostname": "x.test"},
			{"platformId": "unique()", "hostname": "x.test"},
			{"name": "no id", "hostname": "x.test"},
			{"platformId": "bad id!", "name": "x", "hostname": "x.test"},
			{"platformId": "unique()", "name": "x", "hostname": 5},
		} {
			expect(t, k.do("POST", "/project/platforms/web", body), 400, "general_argument_invalid")
		}
		expect(t, k.do("POST", "/project/platforms/flutter-ios", map[string]any{"platformId": "unique()", "name": "x"}), 404, "general_route_not_found")

		// The list: every kind in its own model, with queries and total.
		list := k.do("GET", "/project/platforms", nil)
		expect(t, list, 200, "")
		if n := list.obj(t)["total"]; n != float64(6) { // with newProject's web platform
			t.Fatalf("total %v: %s", n, list.body)
		}
		no := false
		r := k.do("GET", "/project/platforms"+queryParams(&no, `{"method":"equal","attribute":"type","values":["apple","android"]}`), nil)
		if m := r.obj(t); m["total"] != float64(0) || len(m["platforms"].([]any)) != 2 {
			t.Fatalf("type filter %s", r.body)
		}
		r = k.do("GET", "/project/platforms"+queryParams(nil, `{"method":"startsWith","attribute":"applicationId","values":["com.example"]}`,
			`{"method":"limit","values":[1]}`), nil)
		if m := r.obj(t); m["total"] != float64(1) || m["platforms"].([]any)[0].(map[string]any)["$id"] != "android1" {
			t.Fatalf("identifier filter %s", r.body)
		}
		r = k.do("GET", "/project/platforms"+queryParams(nil, `{"method":"cursorAfter","values":["apple1"]}`, `{"method":"limit","values":[1]}`), nil)
		expect(t, r, 200, "")
		expect(t, k.do("GET", "/project/platforms"+queryParams(nil, `{"method":"equal","attribute":"key","values":["x"]}`), nil), 400, "general_argument_invalid")

		// The console sees the same platforms in its format.
		cl := s.admin(t).do("GET", "/projects/"+c.project+"/platforms", nil).obj(t)
		for _, x := range cl["platforms"].([]any) {
			if miss := has(x.(map[string]any), "key", "store", "hostname"); miss != "" {
				t.Fatalf("console platform without %s: %v", miss, x)
			}
		}

		// Origins: the platforms made here open the checks they feed.
		signUp := func(origin string) *resp {
			return c.with("Origin", origin).do("POST", "/account", map[string]any{"userId": "unique()", "email": email(), "password": "correct horse"})
		}
		expect(t, signUp("https://shop.example.test2"), 201, "") // web1's hostname after the update
		expect(t, signUp("appwrite-android://com.example.shop2"), 201, "")
		expect(t, signUp("appwrite-ios://com.example.shopapp2"), 201, "")
		expect(t, signUp("appwrite-linux://example-shop2"), 201, "")
		expect(t, signUp("https://com.example.shop2"), 403, "general_unknown_origin")
		expect(t, signUp("appwrite-android://com.example.shopapp2"), 201, "") // any native kind's id passes any native scheme, as before
		expect(t, signUp("appwrite-android://com.evil"), 403, "general_unknown_origin")

		// The console's generic create maps old types.
		a := s.admin(t)
		r = a.do("POST", "/projects/"+c.project+"/platforms", map[string]any{"type": "flutter-ios", "name": "Flutter", "key": "com.example.flutter"})
		expect(t, r, 201, "")
		id := r.str(t, "$id")
		g := k.do("GET", "/project/platforms/"+id, nil).obj(t)
		if g["type"] != "apple" || g["bundleIdentifier"] != "com.example.flutter" {
			t.Fatalf("flutter-ios shown as %v", g)
		}
		expect(t, signUp("appwrite-ios://com.example.flutter"), 201, "")
		r = a.do("POST", "/projects/"+c.project+"/platforms", map[string]any{"type": "react-native-web", "name": "RN", "hostname": "rn.example.test"})
		expect(t, r, 201, "")
		if r.str(t, "type") != "web" || r.str(t, "hostname") != "rn.example.test" {
			t.Fatalf("react-native-web: %s", r.body)
		}
		expect(t, signUp("https://rn.example.test"), 201, "")
		expect(t, a.do("POST", "/projects/"+c.project+"/platforms", map[string]any{"platformId": id, "type": "web", "name": "dup"}), 409, "platform_already_exists")

		expect(t, projectKey(c, "platforms.read").do("DELETE", "/project/platforms/web1", nil), 401, "general_unauthorized_scope")
		expect(t, projectKey(c, "project.read").do("GET", "/project/platforms", nil), 401, "general_unauthorized_scope")
		expect(t, k.do("DELETE", "/project/platforms/web1", nil), 204, "")
		expect(t, k.do("GET", "/project/platforms/web1", nil), 404, "platform_not_found")
		expect(t, signUp("https://shop.example.test2"), 403, "general_unknown_origin")
		// Another project's platform is not here.
		other := s.newProject(t)
		r = a.do("POST", "/projects/"+other.project+"/platforms", map[string]any{"type": "web", "name": "theirs", "hostname": "theirs.test"})
		expect(t, k.do("GET", "/project/platforms/"+r.str(t, "$id"), nil), 404, "platform_not_found")
		expect(t, k.do("DELETE", "/project/platforms/"+r.str(t, "$id"), nil), 404, "platform_not_found")
		expect(t, k.do("PUT", "/project/platforms/web/"+r.str(t, "$id"), map[string]any{"name": "x", "hostname": "mine.test"}), 404, "platform_not_found")
	})
}

package project

import "strings"

// The platform kinds of Appwrite 1.9: every app is one of these. Older
// clients name finer types (flutter-ios, react-native-android, ...),
// which Kind maps.
const (
	PlatformWeb     = "web"
	PlatformApple   = "apple"
	PlatformAndroid = "android"
	PlatformWindows = "windows"
	PlatformLinux   = "linux"
	// PlatformScheme allows one custom redirect scheme; it has no 1.9
	// kind and is shown as a web platform with its key.
	PlatformScheme = "scheme"
)

// legacyKinds are the platform types of Appwrite 1.8 and before, by the
// 1.9 kind they became.
var legacyKinds = map[string]string{
	"web": PlatformWeb, "flutter-web": PlatformWeb, "react-native-web": PlatformWeb,
	"apple": PlatformApple, "apple-ios": PlatformApple, "apple-macos": PlatformApple, "apple-watchos": PlatformApple,
	"apple-tvos": PlatformApple, "flutter-ios": PlatformApple, "flutter-macos": PlatformApple, "react-native-ios": PlatformApple,
	"android": PlatformAndroid, "flutter-android": PlatformAndroid, "react-native-android": PlatformAndroid, "unity": PlatformAndroid,
	"windows": PlatformWindows, "flutter-windows": PlatformWindows,
	"linux": PlatformLinux, "flutter-linux": PlatformLinux,
	"scheme": PlatformScheme,
}

// PlatformKind maps any platform type, old or new, to the kind it is
// stored and shown as; ok is false for a type Appwrite never had.
func PlatformKind(t string) (kind string, ok bool) {
	kind, ok = legacyKinds[strings.ToLower(t)]
	return kind, ok
}

// Kind is how a stored platform is shown: platforms stored before 1.9's
// kinds keep their old type in the database and are shown by the kind it
// maps to; an unknown type is shown as web, as Appwrite does.
func Kind(t string) string {
	if k, ok := PlatformKind(t); ok {
		return k
	}
	return PlatformWeb
}

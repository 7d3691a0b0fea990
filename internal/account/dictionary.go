package account

import "strings"

// commonPasswords are frequently breached passwords of at least 8
// characters (shorter ones already fail the length rule). The project's
// passwordDictionary setting refuses them.
var commonPasswords = func() map[string]bool {
	words := strings.Fields(`
password 12345678 123456789 1234567890 qwertyuiop password1 password123 11111111 00000000 12341234
iloveyou sunshine1 princess1 football1 baseball1 welcome1 welcome123 abc12345 abcd1234 qwerty123
qwerty12 1q2w3e4r 1q2w3e4r5t zaq12wsx 1qaz2wsx qazwsxedc asdfghjkl asdfasdf zxcvbnm1 passw0rd
p@ssw0rd p@ssword letmein1 letmein123 trustno1 dragon12 monkey12 master12 shadow12 superman1
starwars1 computer1 michael1 jennifer1 jordan23 charlie1 freedom1 whatever1 internet1 samsung1
123123123 987654321 12344321 88888888 87654321 99999999 55555555 66666666 77777777 22222222
33333333 44444444 12121212 11223344 123qweasd qweasdzxc 1234qwer qwer1234 asdf1234 admin123
administrator changeme changeme1 secret123 default1 guest123 test1234 testing123 football
baseball basketball sunshine princess iloveyou1 chocolate butterfly password! password1!
Password1 Password123 Passw0rd Welcome1 Qwerty123 Summer2024 Winter2024 Spring2024 Autumn2024
summer2023 winter2023 Summer2023 Winter2023 letmein! access14 mustang1 michelle jessica1
ashley123 hunter123 killer123 soccer123 hockey123 ranger123 daniel123 thomas123 hannah123
liverpool chelsea1 arsenal1 manchester barcelona realmadrid pokemon1 minecraft fortnite1
starwars pass1234 passpass 1password zxcvbnm123 qwertyui 1234abcd a1b2c3d4 aa123456 abc123456
123456abc 123abc123 iloveyou2 lovely123 loveyou1 babygirl1 angel123 flower123 cookie123 dragon123
monkey123 tigger123 shadow123 master123 matrix123 jordan123 batman123 superman spiderman
`)
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}()

// isCommonPassword is an exact, case-sensitive match, as Appwrite's check.
func isCommonPassword(pw string) bool { return commonPasswords[pw] }

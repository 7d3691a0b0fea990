package account

import (
	"crypto/rand"
	"math/big"
	"strings"
)

// The security phrase is shown in the app and in the mail, so a person can
// tell the mail answers their own request. The words are our own list.
var (
	adjectives = strings.Fields(`Able Agile Amber Ample Azure Bold Brave Bright Brisk Calm Candid Cheerful Civic Clever
		Cosmic Crisp Curious Daring Dapper Deft Eager Earnest Fair Fearless Festive Fluent Frank Gentle Gifted Glad
		Golden Graceful Grand Hardy Hearty Honest Humble Jolly Jovial Keen Kind Lively Loyal Lucid Lucky Merry Mighty
		Modest Nimble Noble Patient Plucky Polite Proud Quick Quiet Radiant Rapid Ready Regal Robust Rosy Rugged Serene
		Sharp Shiny Silent Sincere Sleek Smart Snug Solid Spry Steady Stellar Sturdy Sunny Swift Tidy Tranquil Trusty
		Upbeat Valiant Vivid Warm Wise Witty Zesty`)
	nouns = strings.Fields(`anchor apple badger beacon bison bramble canyon cedar comet coral cricket crystal dolphin
		ember falcon fern fjord garden glacier harbor hazel heron island jasper kestrel lagoon lantern maple meadow
		meteor otter orchid panda pebble pepper pine planet quartz rabbit raven reef river robin saffron salmon sequoia
		sparrow spruce summit tiger timber tulip valley violet walnut willow wren yarrow zebra`)
)

func pick(words []string) string {
	n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(words))))
	return words[n.Int64()]
}

// Phrase returns a random "Adjective noun" phrase.
func Phrase() string { return pick(adjectives) + " " + pick(nouns) }

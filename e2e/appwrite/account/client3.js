'use strict';
module.exports = [];

#!/usr/bin/env node
// The command's entry point. It lives outside dist/ so that `npm install` can link it before the first
// build (npm links a workspace's bin only when the file exists), and loads the built CLI.
import '../dist/index.js'

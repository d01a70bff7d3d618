/* SPDX-License-Identifier: MIT */
/* tagbuiltin.c: agent-tag's built-in rules, in the order they are tried.
 *
 * Order is the whole design: the first rule that matches wins, so the
 * specific intents come before the general ones.  Replies (ok, continue,
 * thanks) must be the whole text; then failures before tests (a failing
 * test is a debugging job), review and refactor before edit, questions
 * about code (explain) before the verbs that merely appear in them, and
 * the plain verbs (create, edit, inspect, run) last.  English patterns use
 * \b; Chinese has no word boundaries and is matched as plain strings.
 * The patterns are compiled caseless, UTF-8, without Unicode \w, so \b
 * also separates ASCII words from Chinese text. */
#include "tag.h"

#define P "prompt"
#define L0 "^[\\s\\p{P}\\p{S}]*"
#define L1 "[\\s\\p{P}\\p{S}]*$"

const struct tbuiltin tag_builtins[] = {
/* Replies: the whole prompt is one of these. */
{"confirm", "en", TK_PROMPT, true,
	L0 "(?:(?:ok(?:ay)?|k|yes|yeah|yep|yup|y|sure|fine|right|correct|agreed?|approved?|"
	"perfect|great|good|nice|cool|alright|all right|lgtm|sgtm|sounds good|looks good|"
	"that works|go ahead|go for it|do it|do that|ship it|please do|please|pls|plz|"
	"p\\W?lease|to all|absolutely|of course|why not|let'?s do (?:it|that)|exactly|"
	"fair enough)\\b" "[\\s\\p{P}\\p{S}]*){1,5}$",
	"yes please; ok; Yes to all; lgtm"},
{"confirm", "zh", TK_PROMPT, true,
	L0 "(?:(?:好的?|好吧|好呀|好啊|可以|行吧?|嗯+|对的?|是的?|没问题|同意|确认|就这样|"
	"就这么办|没错|ok|okay)[\\s\\p{P}\\p{S}]*){1,4}$",
	"好的; 可以; 嗯嗯; 没问题"},
{"continue", "en", TK_PROMPT, true,
	L0 "(?:(?:ok(?:ay)?|yes|so|now|please|and|then)\\b[\\s\\p{P}]*)*"
	"(?:continue|go on|keep going|carry on|proceed|next|resume)\\b"
	"(?:[\\s\\p{P}]*(?:please|then|on|with it|with the (?:next|rest)))*" L1,
	"continue; OK, continue; keep going"},
{"continue", "zh", TK_PROMPT, true,
	L0 "(?:(?:好的?|嗯|请)[\\s\\p{P}]*)?(?:继续|接着来?|下一步|往下)[\\s\\p{P}]*(?:吧|啊|呀|做)?" L1,
	"继续; 好的，继续; 接着来"},
{"thanks", "en", TK_PROMPT, true,
	L0 "(?:(?:great|perfect|ok(?:ay)?|awesome|nice|cool)[\\s\\p{P}]+)?"
	"(?:thanks?(?: you)?(?: (?:so|very) much| a lot)?|thx|ty|cheers|much appreciated)" L1,
	"thanks!; thank you; great, thanks"},
{"thanks", "zh", TK_PROMPT, true,
	L0 "(?:谢谢|多谢|感谢|辛苦了?|谢了)(?:你|您|啦|了)?" L1,
	"谢谢; 辛苦了"},
{"greet", "en,zh", TK_PROMPT, true,
	L0 "(?:hi|hello|hey|howdy|good (?:morning|afternoon|evening)|你好|您好|嗨|哈喽)"
	"(?:[\\s\\p{P}]+(?:there|claude|codex|gemini|all))?" L1,
	"hello; hi there; 你好"},
{"stop", "en,zh", TK_PROMPT, true,
	L0 "(?:pause|stop|wait|hold on|hang on|cancel|abort|never ?mind|暂停|停下?|等一下|等等|取消|算了)" L1,
	"pause; stop; 等一下"},
{"confirm", "en", TK_PROMPT, false,
	"^[\\s\\p{P}]*(?:(?:ok(?:ay)?|great|perfect|nice)[\\s\\p{P}]+)?(?:this|that|it) (?:worked|works)\\b",
	"OK, this worked: ..."},
{"continue", "en", TK_PROMPT, false,
	"\\b(?:continue|pick up|resume)\\b.{0,30}\\b(?:where|left off)\\b|\\bleft off\\b",
	"Can we continue from where we left off?"},

/* Intents, specific before general. */
{"security", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:security|insecure|vulnerab\\w*|cve-\\d+|xss|csrf|ssrf|sql injection|injection attack|"
	"exploit\\w*|threat model\\w*|pentest\\w*|secret scann\\w*|leaked (?:key|secret|token)s?)\\b",
	"check for security issues; is this vulnerable to XSS"},
{"security", "zh", TK_PROMPT | TK_LLM, false,
	"安全|漏洞|注入|攻击|鉴权|越权",
	"检查一下有没有安全漏洞"},
{"perf", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:perf|performance|slow(?:er|ly|ness|s)?|faster|speed\\s?up|optimi[sz]\\w*|latency|"
	"throughput|benchmark\\w*|profil(?:ing|er)|cpu profile|flame ?graphs?|bottlenecks?|"
	"memory (?:leak|usage|footprint)s?|takes forever)\\b",
	"the page is slow; optimize the query"},
{"perf", "zh", TK_PROMPT | TK_LLM, false,
	"性能|优化|太慢|很慢|变慢|加速|提速|耗时|内存泄漏|卡顿",
	"这个接口太慢了; 优化一下性能"},
{"build", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:github actions?|ci|ci/cd|continuous integration|ci (?:pipeline|workflow|job)s?)\\b",
	"add a GitHub Action to run tests"},
{"style", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:lint\\w*|eslint|pylint|ruff|flake8|clippy|prettier|gofmt|rustfmt|clang-format|"
	"reformat\\w*|format(?:ting)? (?:the |this |all )?(?:code|files?)|code ?style|coding style|"
	"style ?guide|indentation|naming conventions?)\\b",
	"fix these lint errors; run prettier"},
{"style", "zh", TK_PROMPT | TK_LLM, false,
	"格式化|代码风格|代码规范|缩进|命名规范",
	"格式化一下代码"},
{"debug", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:fix(?:es|ed|ing)?|bugs?|buggy|debug\\w*|errors?|exceptions?|traceback|stack ?trace|"
	"crash\\w*|fail(?:s|ed|ing|ure|ures)?|broken|broke|not work\\w*|doesn'?t work|"
	"does not work|isn'?t working|won'?t (?:work|start|run|compile|build|load)|"
	"can'?t (?:run|start|open|find|load|import|see)|wrong|incorrect|issues?|problems?|"
	"regression|segfault|segmentation fault|panic\\w*|hangs|hanging|stuck|unexpected\\w*|"
	"undefined|typeerror|valueerror|keyerror|syntaxerror|nameerror|importerror|"
	"modulenotfounderror|unhappy|doesn'?t (?:sound|look|seem|show|display|render|appear)|"
	"not (?:showing|displayed|rendering|loading|found|supported)|missing|exits? immediately)\\b|"
	"\\b(?:i|and) got:|this is what i got|here'?s the output",
	"please fix these; the tests are failing; TypeError in parser"},
{"debug", "zh", TK_PROMPT | TK_LLM, false,
	"修复|修一下|修正|报错|错误|出错|异常|崩溃|闪退|失败|不工作|不起作用|没反应|有问题|出问题|"
	"调试|排查|故障|挂了|卡住|不对|不行|不能用|没用",
	"修复这个报错; 为什么启动失败"},
{"test", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:tests?|testing|tested|unit ?tests?|test ?cases?|test ?suites?|pytest|jest|vitest|"
	"mocha|rspec|go test|cargo test|npm test|make (?:test|check)|coverage|e2e|end-to-end|"
	"tdd|asserts?|assertions?)\\b",
	"run the tests; add unit tests for the parser"},
{"test", "zh", TK_PROMPT | TK_LLM, false,
	"测试|单测|单元测试|用例|覆盖率|集成测试",
	"跑一下测试; 补充单元测试"},
{"review", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:review\\w*|critique|feedback|audit\\w*|assess\\w*|evaluat\\w*|pros and cons|"
	"pros or cons|trade-?offs?|strengths?|weak(?:ness(?:es)?| points?)|caveats|opinion|"
	"look over|sanity check|second opinion)\\b",
	"review this PR; list 5 strengths of this proposal"},
{"review", "zh", TK_PROMPT | TK_LLM, false,
	"审查|评审|审核|代码审查|评价|优缺点|点评|把关",
	"帮我审查一下这段代码"},
{"refactor", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:refactor\\w*|restructur\\w*|reorganiz\\w*|re-?architect\\w*|simplif\\w*|"
	"extract (?:a |the |this )?(?:function|method|class|module|component|helper)s?|"
	"split (?:up|into)|deduplicat\\w*|dedupe|decoupl\\w*|modulari[sz]\\w*|rewrite|rewriting)\\b",
	"refactor the timeline filtering; split this into modules"},
{"refactor", "zh", TK_PROMPT | TK_LLM, false,
	"重构|重写|拆分|抽取|解耦|简化|整理代码",
	"重构这个模块"},
{"cleanup", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:clean ?up|cleanup|tidy|dead code|unused (?:code|imports?|files?|variables?|functions?)|"
	"remove (?:the |all )?(?:unused|dead|old|obsolete|stale|debug)|"
	"delete (?:the |all )?(?:unused|old|obsolete|stale|temp\\w*)|get rid of|prune)\\b",
	"clean up unused imports; get rid of the old scripts"},
{"cleanup", "zh", TK_PROMPT | TK_LLM, false,
	"清理|删除无用|删掉没用|去掉多余|清除",
	"清理一下无用的代码"},
{"migrate", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:migrat\\w*|upgrade (?:to|from)|port (?:it |this |the \\w+ )?(?:to|from)|"
	"convert (?:it |this |the \\w+ )?(?:to|from|into)|switch (?:from|over|to)|"
	"instead of (?:their|the|our) (?:initial|old|current))\\b",
	"migrate to Postgres; use lmstudio instead of their initial ollama"},
{"migrate", "zh", TK_PROMPT | TK_LLM, false,
	"迁移|升级到|移植|转换为|改用|切换到",
	"迁移到新的数据库"},
{"release", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:releas(?:e|es|ed|ing)|changelog|release notes|version bump|bump (?:the )?version|"
	"tag (?:a |the )?(?:release|version)|publish\\w*|semver)\\b",
	"prepare the 1.2 release; publish to npm"},
{"release", "zh", TK_PROMPT | TK_LLM, false,
	"发布|发版|版本号|更新日志|打标签",
	"准备发布新版本"},
{"deploy", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:deploy\\w*|production|prod|staging|rollout|kubernetes|k8s|helm|terraform|ansible|"
	"nginx|systemd|heroku|vercel|netlify)\\b",
	"deploy to staging; the k8s manifests"},
{"deploy", "zh", TK_PROMPT | TK_LLM, false,
	"部署|上线|生产环境|服务器",
	"部署到服务器"},
{"revert", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:undo|revert\\w*|roll ?back|restore (?:the )?(?:previous|old|original))\\b",
	"revert the last change; undo that"},
{"revert", "zh", TK_PROMPT | TK_LLM, false,
	"撤销|回滚|还原|恢复原",
	"回滚刚才的修改"},
{"vcs", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:git|github|gitlab|commit\\w*|push(?:ed|ing)?|pull request|merge request|prs?|"
	"merg(?:e|ed|ing) (?:the |this |it |into|to|main|master)|rebas\\w*|cherry-?pick\\w*|"
	"branch(?:es)?|stash\\w*|checkout|merge conflicts?|gitignore)\\b",
	"push to github; commit the changes"},
{"vcs", "zh", TK_PROMPT | TK_LLM, false,
	"提交|推送|合并|分支|变基|冲突|代码库|仓库",
	"提交并推送"},
{"deps", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:dependenc(?:y|ies)|deps|(?:un)?install(?:ed|ing|s)?|npm (?:i|install|add)|yarn add|"
	"pnpm add|pip3? install|poetry add|cargo add|go get|apt(?:-get)? install|brew install|"
	"requirements\\.txt|package\\.json|lock ?file|"
	"(?:upgrade|update|bump) (?:the )?(?:packages?|dependenc\\w*|libs?|librar(?:y|ies)))\\b",
	"install the dependencies; bump the packages"},
{"deps", "zh", TK_PROMPT | TK_LLM, false,
	"依赖|安装|装一下|包管理",
	"安装依赖"},
{"setup", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:set ?up|setup|bootstrap\\w*|scaffold\\w*|initiali[sz]e|environments?|venv|"
	"virtualenv|conda|docker\\w*|devcontainer|toolchain|onboard\\w*)\\b",
	"set up the dev environment; conda activate aie311"},
{"setup", "zh", TK_PROMPT | TK_LLM, false,
	"环境|搭建|初始化",
	"搭建开发环境"},
{"config", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:config\\w*|settings?|preferences|env vars?|environment variables?|dotfiles?|"
	"yaml|toml)\\b",
	"change the config; add a settings menu"},
{"config", "zh", TK_PROMPT | TK_LLM, false,
	"配置|设置|参数|选项|环境变量",
	"修改一下配置"},
{"build", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:compil(?:e|es|ed|ing|er|ation)|makefile|cmake|meson|bazel|webpack|esbuild|"
	"npm run build|cargo build|go build|make (?:all|install|build)|rebuild|"
	"build (?:fails?|failed|failing|errors?|system|scripts?|steps?|the (?:project|app|code)|it))\\b",
	"the build fails; compile it with -O2"},
{"build", "zh", TK_PROMPT | TK_LLM, false,
	"编译|构建|打包|链接错误",
	"编译不过"},
{"docs", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:document(?:ation|ing|ed|s)?|docstrings?|jsdoc|javadoc|man ?pages?|write-?up)\\b|"
	"\\b(?:update|write|add|improve|generate|create|edit|expand|revise|rewrite|polish|sync|"
	"extend)\\b[^.?!\\n]{0,25}\\b(?:docs?|readme|claude\\.md|agents\\.md|changelog|comments?|"
	"notes|wiki|guide|tutorial|usage)\\b(?!/)|"
	"\\b(?:docs?|readme|documentation)\\b[^.?!\\n]{0,20}\\b(?:out of date|outdated|stale)\\b",
	"update the README; please update CLAUDE.md; document the API"},
{"docs", "zh", TK_PROMPT | TK_LLM, false,
	"文档|注释|说明书|使用说明|手册|教程",
	"补充文档; 加注释"},
{"plan", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:plan|planning|roadmap|to-?do (?:list|items?)|next steps|step[- ]by[- ]step|"
	"break (?:it |this )?down|milestones?|strategy|outline|brainstorm\\w*|think (?:about|through)|"
	"proposal)\\b",
	"make a plan first; what are the next steps"},
{"plan", "zh", TK_PROMPT | TK_LLM, false,
	"计划|规划|方案|步骤|思路|拆解|路线图|头脑风暴",
	"先出个方案"},
{"design", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:design\\w*|architect\\w*|api shape|schema|data model|ux|mock-?ups?|wireframes?|"
	"layout|diagram)\\b",
	"design the API; sketch the architecture"},
{"design", "zh", TK_PROMPT | TK_LLM, false,
	"设计|架构|数据模型|原型|布局",
	"设计一下数据库结构"},
{"explain", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:explain\\w*|why|how (?:does|do|is|are|can|could|would|should|did|to)|"
	"what (?:is|are|does|do|was|were)|what'?s|understand\\w*|walk me through|tell me about|"
	"meaning of|difference between|clarify|elaborate|overview|summari[sz]\\w*|describe)\\b",
	"explain how decorators work; what are RRF conventions?"},
{"explain", "zh", TK_PROMPT | TK_LLM, false,
	"解释|为什么|为啥|怎么回事|什么意思|是什么|原理|如何|怎么|讲讲|介绍一下|理解|总结|概述",
	"解释一下这段代码; 为什么要这样写"},
{"question", "en", TK_PROMPT, false,
	"^[\\s\\p{P}]*(?:does|do|is|are|am i|was|were|have (?:you|we)|has|did|which|where|who|when|"
	"should (?:i|we)|will|can i|could i|isn'?t|aren'?t|doesn'?t|any(?:thing|one)? else)\\b",
	"Does our PDL support multi-color nozzles?"},
{"research", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:research\\w*|search(?:ing)? (?:the )?(?:web|internet|online|for|if|whether)|"
	"web ?search|look ?up|google|find out|investigat\\w*|"
	"compare (?:the )?(?:libraries|options|tools|frameworks|approaches)|alternatives)\\b",
	"search the web for the latest models; research the printers in Cura"},
{"research", "zh", TK_PROMPT | TK_LLM, false,
	"调研|研究|搜索|搜一下|查一下|查资料|对比|有哪些",
	"调研一下有哪些方案"},
{"create", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:create|build (?:a|an|the|me|out|us)|implement\\w*|add(?:ing|s)?|"
	"new (?:feature|function|file|page|endpoint|component|class|module|command|subcommand|tab|button)s?|"
	"write (?:a|an|the|me|some)|make (?:a|an|me)|generate|introduce|support for|"
	"(?:i'?d like|we need|i want|let'?s) to (?:support|have|build|make)|i want (?:a|an|the|some)|"
	"extend|enhance)\\b",
	"add a Pause/Resume feature; create a hello world function"},
{"create", "zh", TK_PROMPT | TK_LLM, false,
	"新建|创建|实现|添加|增加|新增|加一个|加个|写一个|写个|生成|开发|做一个|支持",
	"实现一个登录页面; 新增一个接口"},
{"edit", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:change|update|modify|edit|rename|replace|move|tweak|adjust|set (?:the |it )?\\w+ to|"
	"make (?:it|the|them|this|that|sure)|remove|delete|swap|increase|decrease|reduce|convert|"
	"combine|turn (?:on|off)|enable|disable|hide|complete)\\b",
	"update the top level index.html; rename foo to bar"},
{"edit", "zh", TK_PROMPT | TK_LLM, false,
	"修改|更新|改成|改为|改一下|调整|替换|重命名|删除|移动|改",
	"把标题改成红色"},
{"inspect", "en", TK_PROMPT | TK_LLM, false,
	"(?:^|[.!?;,]\\s*|\\b(?:please|you|and|then)\\s+)list\\b|"
	"\\b(?:look (?:at|into|over)|have a look|take a look|check|show(?: me)?|ls|read|view|"
	"open|find|grep|search|where (?:is|are|do|does)|locate|inspect|examine|print|cat|tail|"
	"see (?:if|what|whether)|status)\\b",
	"read this file; list the files; ls"},
{"inspect", "zh", TK_PROMPT | TK_LLM, false,
	"看看|看一下|查看|列出|检查|找一下|找到|打开|读一下|读取|在哪|显示",
	"看看这个文件; 列出所有文件"},
{"run", "en", TK_PROMPT | TK_LLM, false,
	"\\b(?:run(?:ning)?|execute|exec|start (?:the |it|a )?(?:server|app|service|daemon)|launch|spawn|invoke|try (?:it|running)|python3?|"
	"node|npm (?:run|start)|cargo run|go run|bash|cd)\\b",
	"cd to myapp and run python hoge.py"},
{"run", "zh", TK_PROMPT | TK_LLM, false,
	"运行|执行|跑一下|跑|启动|调用",
	"运行一下"},
{"question", "en,zh", TK_PROMPT, false,
	"[?？]\\s*$|[吗呢][\\s\\p{P}]*$",
	"it only runs on main?; 这样可以吗"},
};
const int tag_nbuiltins = (int)(sizeof tag_builtins / sizeof tag_builtins[0]);

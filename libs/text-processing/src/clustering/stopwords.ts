/** English function words and news boilerplate verbs: frequent everywhere, say nothing about which story. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also although am an and any are as at be because been before
being below between both but by can could did do does doing done down during each either else even ever
every few for from further had has have having he her here hers herself him himself his how however i if
in into is it its itself just least less like made make many may me might more most much must my myself
neither no nor not now of off often on once one only or other others our ours ourselves out over own per
quite rather same says said say saying she should since so some still such than that the their theirs them
themselves then there these they this those though through thus to too toward towards under until up upon
us very via was we were what whatever when where whether which while who whom whose why will with within
without would yet you your yours yourself yourselves according told tell tells new news reported report
reports reporting reuters ap afp cnn bbc told get got going goes went come came comes take took taken
including include includes inc ltd mr mrs ms dr st two three four five six seven eight nine ten first
second third last next week weeks year years day days month months time times today yesterday tomorrow
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december jan feb mar apr jun jul aug sep sept oct nov dec am pm gmt et est pst
utc people percent around back well way another much near early late later earlier ago`.split(
    /\s+/,
  ),
);
